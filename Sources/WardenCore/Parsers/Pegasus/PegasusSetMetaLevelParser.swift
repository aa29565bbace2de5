/// `parse: pegasus.set_meta_level`: the reply to `set_meta_level LEVEL`,
/// `control meta level ok, the old level is fl_steady`. The shell names
/// only the level it replaced; admin-cli's `Successfully update meta
/// function level from "fl_steady" to "fl_lively"` names both.
///
/// Result: `ok` (true: a refusal is an error instead, quoting the shell's
/// `control meta level got error ERR_…`), `old_level`, `new_level` (null
/// when the output does not name it).
struct PegasusSetMetaLevelParser: OutputParsing {
    let name = "pegasus.set_meta_level"

    func parse(_ output: String) throws(OutputParseError) -> Value {
        let shell = PegasusShellOutput(output, parser: name)
        try shell.throwIfFailed()
        let prefix = "control meta level ok, the old level is "
        if let line = shell.lines.first(where: { $0.text.hasPrefix(prefix) }),
           let old = PegasusMetaLevel.name(String(line.text.dropFirst(prefix.count))) {
            return result(old: old, new: nil)
        }
        let adminCLI = "Successfully update meta function level from "
        if let line = shell.lines.first(where: { $0.text.hasPrefix(adminCLI) }) {
            let quoted = line.text.split(separator: "\"", omittingEmptySubsequences: false)
            if quoted.count >= 5, let old = PegasusMetaLevel.name(String(quoted[1])), let new = PegasusMetaLevel.name(String(quoted[3])) {
                return result(old: old, new: new)
            }
        }
        throw shell.error("no 'control meta level ok' line in the output")
    }

    private func result(old: String, new: String?) -> Value {
        .map(["ok": .bool(true), "old_level": .string(old), "new_level": ParsedValue.string(new)])
    }
}
