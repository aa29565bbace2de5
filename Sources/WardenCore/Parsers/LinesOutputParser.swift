/// `parse: lines`: the non-empty lines, trailing whitespace trimmed.
struct LinesOutputParser: OutputParsing {
    let name = "lines"

    func parse(_ output: String) throws(OutputParseError) -> Value {
        .list(output.split(whereSeparator: \.isNewline).compactMap { line in
            let trimmed = String(line.reversed().drop(while: \.isWhitespace).reversed())
            return trimmed.isEmpty ? nil : .string(trimmed)
        })
    }
}
