import Foundation

/// Warden's exit statuses, the same for every subcommand.
enum ExitStatus: Int32, Error {
    case success = 0
    /// A host failed, or the run failed or was aborted.
    case failure = 1
    /// Invalid input: usage, inventory, runbook, host selection.
    case invalidInput = 2
    /// Blocked: approval denied or timed out, a guard failed before any change, a lock held.
    case blocked = 3
    /// Interrupted a second time while stopping.
    case interrupted = 130

    func terminate() -> Never {
        Foundation.exit(rawValue)
    }
}

/// Invalid input found after parsing (a bad inventory, an empty selection):
/// its message is printed as is and Warden exits 2.
struct InvalidInput: Error, CustomStringConvertible {
    let description: String
}

extension InvalidInput {
    /// `error: MESSAGE`, unless the message already says `error:` itself, as
    /// every located problem does (`inv.yaml:3:1: error: ...`, or
    /// `error: inventory file ... does not exist` without a place): printed
    /// as it is, instead of `error: error: ...`.
    static func line(_ message: String) -> String {
        let firstLine = message.prefix { $0 != "\n" }
        if firstLine.hasPrefix("error: ") || firstLine.contains(": error: ") { return message }
        return "error: " + message
    }
}
