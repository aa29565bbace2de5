/// Runs one rendered command on one host and turns what came back into a
/// `HostRecord`, or into a failure that names the host, what happened and
/// what to do.
enum CommandAttempt {
    enum Outcome: Sendable {
        /// The command ran; `parseError` is set when its output did not parse.
        case ran(HostRecord, parseError: String?)
        /// It could not run (unreachable, host key, timeout, cancelled).
        case unreachable(String, TransportError.Kind?)
    }

    public static func run(
        _ command: RenderedCommand, on host: InventoryHost, timeout: Duration?, parser: ParserSpec?, transport: any HostTransport,
        become: RemoteBecome? = nil, onStarted: (@Sendable (RemoteProcessGroup) -> Void)? = nil
    ) async -> Outcome {
        let result: CommandResult
        do {
            result = try await transport.run(RemoteCommand(command.line, timeout: timeout, secretFiles: command.secretFiles, become: become), on: host,
                                             onOutput: nil, onStarted: onStarted)
        } catch {
            return .unreachable(error.description, error.kind)
        }
        var record = HostRecord(stdout: result.stdout.text, stderr: result.stderr.text,
                                exit: result.exitStatus.map(Int.init), result: .null)
        var parseError: String?
        if let parser {
            do {
                record.result = try parser.parser.parse(result.stdout.text)
            } catch {
                parseError = "\(host.name): the output does not parse as \(parser.name): \(error.description)"
            }
        }
        return .ran(record, parseError: parseError)
    }
}
