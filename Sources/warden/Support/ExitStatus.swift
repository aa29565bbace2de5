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
