/// `parse: pegasus.server_stat`: each server's headline statistics from
/// `server_stat`. v2.5.0 replies with perf counters as text
/// (`get_qps=0, memused_res(MB)=2499, ...`); master samples each server's
/// metrics and replies JSON (`{"total_replicas": 12.0, "res_mem_mb": 512.0, ...}`).
///
/// Result:
/// - `nodes`: per node `address`, `role`, `acked`, `stats` (a map of the
///   counters under the names the server gives them, numbers typed;
///   `not_found` becomes null; null when not acked) and `message` (the raw reply).
/// - `succeed_count`, `failed_count`, `format` (`text` or `json`).
struct PegasusServerStatParser: OutputParsing {
    let name = "pegasus.server_stat"

    func parse(_ output: String) throws(OutputParseError) -> Value {
        let run = try PegasusRemoteCommandOutput(PegasusShellOutput(output, parser: name))
        return .map([
            "nodes": .list(run.replies.map { reply in
                .map([
                    "address": .string(reply.address),
                    "role": .string(reply.role),
                    "acked": .bool(reply.acked),
                    "stats": reply.acked ? Self.stats(reply.message) : .null,
                    "message": reply.message,
                ])
            }),
            "succeed_count": ParsedValue.int(run.succeedCount),
            "failed_count": ParsedValue.int(run.failedCount),
            "format": .string(run.format),
        ])
    }

    private static func stats(_ message: Value) -> Value {
        switch message {
        case .map:
            return message
        case let .string(text):
            var stats: [String: Value] = [:]
            for pair in text.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                let value = parts[1].trimmingWhitespace
                stats[parts[0].trimmingWhitespace] = value == "not_found" ? .null : PegasusCell.value(value)
            }
            return stats.isEmpty ? .null : .map(stats)
        default:
            return .null
        }
    }
}
