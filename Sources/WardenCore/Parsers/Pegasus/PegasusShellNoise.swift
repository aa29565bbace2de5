/// Lines pegasus_shell prints around every command's output: the start-up
/// banner, runtime log noise, echoed prompts and the `dsn exit with code N`
/// trailer. Parsers drop them so a table's first line is the table's.
enum PegasusShellNoise {
    /// The code in a `dsn exit with code N` line.
    static func exitCode(in line: String) -> Int? {
        let prefix = "dsn exit with code "
        guard line.hasPrefix(prefix) else { return nil }
        return Int(line.dropFirst(prefix.count).trimmingWhitespace)
    }

    static func isNoise(_ line: String) -> Bool {
        if exitCode(in: line) != nil { return true }
        if line == ">>>" || line.hasPrefix(">>> ") { return true }
        let bannerPrefixes = [
            "Pegasus Shell ", "Type \"help\" for more information.", "Type \"Ctrl-D\" or \"Ctrl-C\" to exit the shell.",
            "The config file is:", "The cluster name is:", "The cluster meta list is:", "log_dir is not set, use ",
        ]
        if bannerPrefixes.contains(where: line.hasPrefix) { return true }
        return isSourceLocationLine(line) || isLogLine(line)
    }

    /// `task_spec.cpp:94:register_task_code():overwrite ...`, printed by older
    /// runtimes while they start.
    private static func isSourceLocationLine(_ line: String) -> Bool {
        guard let colon = line.firstIndex(of: ":") else { return false }
        let file = line[..<colon]
        guard file.hasSuffix(".cpp") || file.hasSuffix(".h"), !file.contains(" ") else { return false }
        return line[line.index(after: colon)...].first?.isNumber == true
    }

    /// A runtime log line copied to the terminal: a level letter, then a time
    /// (`W2024-04-15 06:58:38.123 (` or, in old builds, `F12:16:26.793 (`).
    private static func isLogLine(_ line: String) -> Bool {
        guard let level = line.first, "DIWEF".contains(level) else { return false }
        let rest = line.dropFirst()
        guard let paren = rest.firstIndex(of: "(") else { return false }
        let stamp = rest[..<paren].trimmingWhitespace
        guard stamp.count >= 12, stamp.contains(":"), stamp.contains(".") else { return false }
        return stamp.allSatisfy { $0.isNumber || $0 == "-" || $0 == ":" || $0 == "." || $0 == " " }
    }
}
