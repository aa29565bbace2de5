/// `parse: pegasus.server_info`: each server's version and start time, from
/// `server_info` (v2.5.0 text: `Pegasus Server 2.5.0 (<sha>) Release,
/// Started at 2024-04-15 06:58:30`; master JSON: `{"version", "git_SHA",
/// "build_type", "start_time"}`), so a runbook can see that a restart
/// happened (`start_time` moved) or that versions differ mid-upgrade.
///
/// Result:
/// - `nodes`: per node `address`, `role`, `acked`, `server` (the product
///   words, e.g. `Pegasus Server`; null on master), `version`, `git_sha`,
///   `build_type`, `start_time` (`YYYY-MM-DD HH:MM:SS`, the server's local
///   time) and `message` (the raw reply; the error code when not acked).
///   Fields a reply does not contain are null.
/// - `versions`: the distinct versions, sorted.
/// - `succeed_count`, `failed_count`, `format` (`text` or `json`).
struct PegasusServerInfoParser: OutputParsing {
    let name = "pegasus.server_info"

    func parse(_ output: String) throws(OutputParseError) -> Value {
        let run = try PegasusRemoteCommandOutput(PegasusShellOutput(output, parser: name))
        var versions: Set<String> = []
        let nodes: [Value] = run.replies.map { reply in
            var node: [String: Value] = [
                "address": .string(reply.address), "role": .string(reply.role), "acked": .bool(reply.acked), "message": reply.message,
                "server": .null, "version": .null, "git_sha": .null, "build_type": .null, "start_time": .null,
            ]
            if reply.acked {
                let info = Self.info(reply.message)
                node.merge(info) { _, new in new }
                if case let .string(version)? = info["version"] { versions.insert(version) }
            }
            return .map(node)
        }
        return .map([
            "nodes": .list(nodes),
            "versions": .list(versions.sorted().map(Value.string)),
            "succeed_count": ParsedValue.int(run.succeedCount),
            "failed_count": ParsedValue.int(run.failedCount),
            "format": .string(run.format),
        ])
    }

    private static func info(_ message: Value) -> [String: Value] {
        switch message {
        case let .map(fields):
            let field = { (key: String) in ParsedValue.string(ValueCursor(fields[key]).string) }
            return ["version": field("version"), "git_sha": field("git_SHA"), "build_type": field("build_type"), "start_time": field("start_time")]
        case let .string(text):
            return info(text)
        default:
            return [:]
        }
    }

    /// `<product words> <version> (<sha>) <build type>, Started at <time>`;
    /// the 1.12 forks print `Meta Server` or `Replica Server` as the product.
    private static func info(_ text: String) -> [String: Value] {
        var result: [String: Value] = [:]
        var head = Substring(text)
        if let started = text.range(of: ", Started at ") {
            result["start_time"] = .string(text[started.upperBound...].trimmingWhitespace)
            head = text[..<started.lowerBound]
        }
        guard let open = head.lastIndex(of: "("), let close = head.lastIndex(of: ")"), open < close else { return result }
        result["git_sha"] = .string(String(head[head.index(after: open)..<close]))
        let build = head[head.index(after: close)...].trimmingWhitespace
        if !build.isEmpty { result["build_type"] = .string(build) }
        let words = head[..<open].split(whereSeparator: \.isWhitespace)
        if let version = words.last {
            result["version"] = .string(String(version))
            let server = words.dropLast().joined(separator: " ")
            if !server.isEmpty { result["server"] = .string(server) }
        }
        return result
    }
}
