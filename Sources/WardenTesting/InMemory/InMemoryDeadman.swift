import Foundation

/// A deadman armed on an in-memory host (the host side of `Deadman`): what
/// it reverts with and when it fires, and what became of it.
public struct InMemoryDeadman: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        /// Its timer waits to fire.
        case armed
        case disarmed
        /// Its timer ran the revert (`firedExit` is its exit status).
        case fired
        /// Armed again at the same place (a resume re-running the step): this timer was ended.
        case superseded
    }

    public let host: String
    /// Its folder on the host, as the run journals it.
    public let path: String
    /// The revert command the timer runs.
    public let revert: String
    /// When the timer fires, by the transport's clock.
    public let firesAt: Date
    public internal(set) var status: Status
    public internal(set) var firedExit: Int32?
}
