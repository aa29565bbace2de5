/// `parse: pegasus.remote_command`: the per-node replies to
/// `remote_command [-t ROLE | -l NODES] COMMAND [ARGS]`, from v2.5.0's text
/// (on stderr: capture `2>&1`) or master's JSON.
///
/// Result:
/// - `command`: the command and its arguments as the shell echoes them.
/// - `nodes`: per node `address`, `role` (`meta-server`, `replica-server`,
///   `user-specified`), `acked` (false when the call failed; `message` is
///   then the error code) and `message`: the reply text, or on master the
///   reply as a map when it was JSON (`{"error": "ok", ...}`). Note that a
///   follower meta server answers `meta.lb.*` with an acked
///   `unknown command '...'`, and v2.5.0 `set` replies are `OK` while
///   master's are `{"error": "ok"}`.
/// - `succeed_count`, `failed_count`: as the shell reports them.
/// - `format`: `text` or `json`.
struct PegasusRemoteCommandParser: OutputParsing {
    let name = "pegasus.remote_command"

    func parse(_ output: String) throws(OutputParseError) -> Value {
        let run = try PegasusRemoteCommandOutput(PegasusShellOutput(output, parser: name))
        return .map([
            "command": .string(run.command),
            "nodes": .list(run.replies.map { reply in
                .map([
                    "address": .string(reply.address),
                    "role": .string(reply.role),
                    "acked": .bool(reply.acked),
                    "message": reply.message,
                ])
            }),
            "succeed_count": ParsedValue.int(run.succeedCount),
            "failed_count": ParsedValue.int(run.failedCount),
            "format": .string(run.format),
        ])
    }
}
