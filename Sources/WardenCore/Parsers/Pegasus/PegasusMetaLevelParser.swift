/// `parse: pegasus.meta_level`: the *stored* meta function level from
/// `get_meta_level` (`current meta level is fl_steady`), which stays
/// `lively` or `steady` during an automatic freeze that `cluster_info`
/// reports as `freezed`. Also reads admin-cli's `{"meta_level": "fl_steady"}`.
///
/// Result: `level` (`stopped`, `blind`, `freezed`, `steady` or `lively`).
struct PegasusMetaLevelParser: OutputParsing {
    let name = "pegasus.meta_level"

    func parse(_ output: String) throws(OutputParseError) -> Value {
        let shell = PegasusShellOutput(output, parser: name)
        try shell.throwIfFailed()
        let prefix = "current meta level is "
        if let line = shell.lines.first(where: { $0.text.hasPrefix(prefix) }),
           let level = PegasusMetaLevel.name(String(line.text.dropFirst(prefix.count))) {
            return .map(["level": .string(level)])
        }
        if shell.isJSON, let text = ValueCursor(try shell.jsonObject())["meta_level"].string, let level = PegasusMetaLevel.name(text) {
            return .map(["level": .string(level)])
        }
        throw shell.error("no 'current meta level is ...' line in the output")
    }
}
