import WardenCore
import WardenSSH

extension CommandResult {
    init(_ result: ExecResult) {
        self.init(stdout: CapturedText(result.stdout), stderr: CapturedText(result.stderr),
                  exitStatus: result.exitStatus, exitSignal: result.exitSignal, duration: result.duration)
    }
}

extension CapturedText {
    init(_ output: CapturedOutput) {
        self.init(text: output.text, droppedBytes: output.droppedBytes, totalBytes: output.totalBytes)
    }
}

extension TransportError {
    /// Keeps the SSH layer's wording (host, what happened, what to do) and its class.
    init(_ error: any Error, host: InventoryHost) {
        guard let ssh = error as? SSHError else {
            self.init(kind: .channelFailure, host: host.name, message: "\(host.name): \(error)")
            return
        }
        let kind: Kind = switch ssh.kind {
        case .unreachable: .unreachable
        case .connectTimeout: .connectTimeout
        case .hostKeyUnknown: .hostKeyUnknown
        case .hostKeyChanged: .hostKeyChanged
        case .authFailed: .authFailed
        case .commandTimedOut: .commandTimedOut
        case .cancelled: .cancelled
        case .channelFailure: .channelFailure
        case .transferFailed: .transferFailed
        case .transferRefused: .transferRefused
        case .transferTimedOut: .transferTimedOut
        case .invalidConfiguration: .invalidConfiguration
        case .notSent: .notSent
        case .becomeRefused: .becomeRefused
        }
        self.init(kind: kind, host: host.name, message: ssh.description, partialResult: ssh.partialResult.map(CommandResult.init))
    }
}
