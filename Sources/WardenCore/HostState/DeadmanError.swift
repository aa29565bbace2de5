/// Why a change did not go ahead on a host: its deadman could not be
/// rendered, journaled or armed.
struct DeadmanError: Error, Sendable, CustomStringConvertible {
    /// Which part of arming failed; in each case the change was not run.
    enum Kind: Sendable, Equatable {
        /// The deadman's command reads a secret file, which is removed long before the timer fires.
        case readsSecretFile
        /// The journal could not record the deadman (before arming or once armed): a change
        /// with an unrecorded deadman is one a resume cannot disarm.
        case notJournaled
        /// The host would not arm a deadman safely (no timer, an unsafe state folder, a failed command).
        case cannotArm
    }

    let kind: Kind
    let description: String

    init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
