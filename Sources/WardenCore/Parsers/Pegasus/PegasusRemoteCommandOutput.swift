/// One run of `remote_command` (and of `server_info` and `server_stat`,
/// which are remote commands underneath), in either upstream format:
/// - v2.5.0 text, on stderr: `COMMAND: <cmd>`, then per node
///   `CALL [<role>] [<host:port>] succeed: <reply>` or `... failed: <ERR_…>`
///   (a reply may run over several lines, as `help` does), then
///   `Succeed count: N` and `Failed count: N`;
/// - master JSON, on stdout: `{"command", "details": {"<host:port>":
///   {"acked", "message", "role"}}, "failed_count", "succeed_count"}`, where
///   `message` is an object when the node replied JSON.
struct PegasusRemoteCommandOutput {
    /// One node's answer. `acked` is false when the call itself failed
    /// (`failed:`; the message is then the error code, e.g. `ERR_TIMEOUT`).
    struct Reply {
        let address: String
        let role: String
        let acked: Bool
        let message: Value
    }

    let command: String
    let replies: [Reply]
    let succeedCount: Int?
    let failedCount: Int?
    let format: String

    init(_ shell: PegasusShellOutput) throws(OutputParseError) {
        if shell.isJSON, let document = try shell.jsonObject() {
            try self.init(json: ValueCursor(document), shell: shell)
        } else {
            try self.init(text: shell)
        }
    }

    private init(json root: ValueCursor, shell: PegasusShellOutput) throws(OutputParseError) {
        guard let details = root["details"].map else {
            throw shell.error("the JSON has no \"details\": not remote_command output", kind: .missingField)
        }
        command = Substring(root["command"].string ?? "").trimmingWhitespace
        replies = details.keys.sorted().map { address in
            let node = ValueCursor(details[address])
            return Reply(address: address, role: node["role"].string ?? "", acked: node["acked"].bool ?? false, message: node["message"].orNull)
        }
        succeedCount = root["succeed_count"].integer
        failedCount = root["failed_count"].integer
        format = "json"
    }

    private init(text shell: PegasusShellOutput) throws(OutputParseError) {
        let commandPrefix = "COMMAND:"
        let starts = shell.lines.indices.filter { shell.lines[$0].text.hasPrefix(commandPrefix) }
        guard let start = starts.first else {
            throw shell.error("no 'COMMAND:' line in the output: not remote_command output")
        }
        guard starts.count == 1 else {
            throw OutputParseError(.malformed, parser: shell.parser, line: shell.lines[starts[1]].number,
                                   message: "the output holds \(starts.count) remote commands ('COMMAND:' lines); parse one at a time")
        }
        // Errors before the command line (bad options, unknown command) fail the whole run.
        try shell.throwIfFailed(in: Array(shell.lines[..<start]))
        command = Substring(shell.lines[start].text.dropFirst(commandPrefix.count)).trimmingWhitespace
        var replies: [Reply] = []
        var pending: (address: String, role: String, acked: Bool, lines: [String])?
        var succeedCount: Int?
        var failedCount: Int?
        func finish() {
            guard let reply = pending else { return }
            var lines = reply.lines
            while lines.first?.isEmpty == true { lines.removeFirst() }
            while lines.last?.isEmpty == true { lines.removeLast() }
            replies.append(Reply(address: reply.address, role: reply.role, acked: reply.acked, message: .string(lines.joined(separator: "\n"))))
            pending = nil
        }
        for line in shell.lines[(start + 1)...] {
            if let call = Self.call(line.text) {
                finish()
                pending = (call.address, call.role, call.acked, [call.reply])
            } else if let count = Self.count("Succeed count:", line.text) {
                finish()
                succeedCount = count
            } else if let count = Self.count("Failed count:", line.text) {
                finish()
                failedCount = count
            } else if pending != nil {
                pending?.lines.append(line.text)
            } else if !line.isBlank, succeedCount == nil {
                throw OutputParseError(.malformed, parser: shell.parser, line: line.number,
                                       message: "expected 'CALL [role] [address] succeed: ...', found \"\(line.text)\"")
            }
        }
        finish()
        guard !replies.isEmpty || succeedCount != nil else {
            throw OutputParseError(.malformed, parser: shell.parser, line: shell.lines[start].number,
                                   message: "'COMMAND:' is followed by no 'CALL' line and no counts: the output is cut short")
        }
        self.replies = replies
        self.succeedCount = succeedCount
        self.failedCount = failedCount
        format = "text"
    }

    /// `CALL [meta-server] [127.0.0.1:34601] succeed: 600000`.
    private static func call(_ text: String) -> (role: String, address: String, acked: Bool, reply: String)? {
        guard text.hasPrefix("CALL [") else { return nil }
        let rest = text.dropFirst("CALL [".count)
        guard let roleEnd = rest.range(of: "] [") else { return nil }
        let role = String(rest[..<roleEnd.lowerBound])
        let afterRole = rest[roleEnd.upperBound...]
        guard let addressEnd = afterRole.range(of: "] ") else { return nil }
        let address = String(afterRole[..<addressEnd.lowerBound])
        let outcome = afterRole[addressEnd.upperBound...]
        for (word, acked) in [("succeed:", true), ("failed:", false)] where outcome.hasPrefix(word) {
            return (role, address, acked, outcome.dropFirst(word.count).trimmingWhitespace)
        }
        return nil
    }

    private static func count(_ prefix: String, _ text: String) -> Int? {
        guard text.hasPrefix(prefix) else { return nil }
        return Int(text.dropFirst(prefix.count).trimmingWhitespace)
    }
}
