/// What pegasus_shell printed for one command, made readable for a parser:
/// colour codes, trailing padding (the table printer pads every cell),
/// carriage returns, the banner and the `dsn exit with code N` trailer are
/// gone; each remaining line keeps its number in the original output so
/// errors can point at it.
struct PegasusShellOutput {
    /// One line of output after cleaning; blank lines are kept because they end tables.
    struct Line {
        let number: Int
        let text: String
        var isBlank: Bool { text.isEmpty }
    }

    let parser: String
    let lines: [Line]
    /// From `dsn exit with code N`, when the output reached the shell's end.
    let exitCode: Int?

    init(_ output: String, parser: String) {
        self.parser = parser
        var lines: [Line] = []
        var exitCode: Int?
        for (index, raw) in output.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let stripped = ANSIEscapes.stripped(raw)
            let text = String(stripped.reversed().drop(while: \.isWhitespace).reversed())
            if let code = PegasusShellNoise.exitCode(in: text) { exitCode = code }
            if PegasusShellNoise.isNoise(text) { continue }
            lines.append(Line(number: index + 1, text: text))
        }
        self.lines = lines
        self.exitCode = exitCode
    }

    var contentLines: [Line] { lines.filter { !$0.isBlank } }

    /// Throws when any of `lines` (all by default) says the command failed,
    /// quoting the shell's words; or when the shell itself exited non-zero.
    func throwIfFailed(in lines: [Line]? = nil) throws(OutputParseError) {
        for line in lines ?? self.lines {
            if let text = PegasusShellFailure.errorText(in: line.text) {
                throw OutputParseError(.commandFailed, parser: parser, line: line.number, message: "pegasus_shell reported an error: \"\(text)\"")
            }
        }
        if let exitCode, exitCode != 0 {
            throw OutputParseError(.commandFailed, parser: parser, message: "pegasus_shell exited with code \(exitCode) (\"dsn exit with code \(exitCode)\")")
        }
    }

    /// Whether the command printed JSON (`-j`, or master's remote commands)
    /// rather than tables or text: its first content line opens an object.
    var isJSON: Bool { contentLines.first?.text.hasPrefix("{") == true }

    /// The first JSON object in the output, nil when there is none.
    func jsonObject() throws(OutputParseError) -> Value? {
        guard let first = lines.first(where: { $0.text.contains("{") }) else { return nil }
        let text = lines.drop(while: { $0.number < first.number }).map(\.text).joined(separator: "\n")
        return try JSONObjectText.firstObject(in: text, parser: parser, firstLine: first.number)
    }

    /// The output as an error message: the failure lines if any, else `complaint`
    /// (of `kind`: by default, output that is not this command's).
    func error(_ complaint: String, kind: OutputParseError.Kind = .unrecognized) -> OutputParseError {
        do {
            try throwIfFailed()
        } catch {
            return error
        }
        if contentLines.isEmpty {
            return OutputParseError(.empty, parser: parser, message: "the output is empty (besides the shell's banner); \(complaint)")
        }
        return OutputParseError(kind, parser: parser, line: contentLines.first?.number, message: complaint)
    }
}
