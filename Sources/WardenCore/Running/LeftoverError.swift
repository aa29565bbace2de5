/// A command the dead controller started still runs on its host (or its
/// host cannot say), so `warden resume` does not go on; the description
/// names the host, the step and what was found.
struct LeftoverError: Error, Sendable, CustomStringConvertible {
    /// What was found of the leftover command.
    enum Kind: Sendable, Equatable {
        /// It was waited for (`--leftovers wait`) and still ran when the step's timeout passed.
        case stillRunning
        /// It was to be killed (`--leftovers kill`) but the kill failed or it survived it.
        case cannotKill
        /// The host could not say whether it still runs.
        case unknown
    }

    let kind: Kind
    let description: String

    init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
