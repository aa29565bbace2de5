/// Recognises the lines with which pegasus_shell says a command failed. The
/// shell exits 0 whatever happened to the command (only `dsn exit with
/// code N` at the end of its input), so failure must be read from the text.
enum PegasusShellFailure {
    /// The upstream error text when `line` reports a failure, else nil.
    static func errorText(in line: String) -> String? {
        let prefixes = [
            "ERROR:",          // master's argument errors, unknown commands, `ERROR: init pegasus failed`
            "USAGE:",          // a command's options did not parse
            "Invalid argument(s)",
        ]
        if prefixes.contains(where: line.hasPrefix) { return line }
        // `get cluster info failed, error=ERR_…`, `list nodes failed, error=…`,
        // `list apps failed, error=…`, `list app temp failed, error=…`
        if line.contains(" failed, error=") { return line }
        // `get meta level got error ERR_…`, `control meta level got error ERR_…`
        if line.contains(" got error ") { return line }
        // v2.5.0 prints this without the `ERROR:` prefix master adds.
        if line.hasPrefix("parse "), line.hasSuffix(" as meta function level failed") { return line }
        return nil
    }
}
