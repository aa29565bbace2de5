/// Why a run could not be started, resumed or decided on. The kind says what
/// the caller tells its user (the CLI's exit status, the API's status code);
/// the description names the run, the host or the field, and what to do.
public struct RunSessionError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The request cannot be carried out as given (exit 2): a bad runbook, parameter,
        /// inventory or policy, a run that is not resumable, an option that would change what
        /// was approved. Nothing was changed.
        case invalidInput
        /// Refused by the state of things (exit 3): a lock held by another run. Nothing was changed.
        case blocked
        /// The person asked said no (exit 1). Nothing was changed.
        case declined
        /// Something failed on the way (exit 1): a lock host that cannot be reached, a journal that cannot be written.
        case failed
    }

    public let kind: Kind
    public let description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
