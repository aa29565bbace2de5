/// A journal that cannot be opened, written or read, or that holds what this
/// version of Warden cannot take for true. A run stops when its journal
/// cannot be written: an unrecorded change is one nobody can resume.
public struct JournalError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, for a caller that acts on it rather than only
    /// showing it (a daemon retries a write that failed; it never retries
    /// reading a value it does not know).
    public enum Kind: Sendable, Equatable {
        /// The state folder or the database cannot be opened, created or upgraded (or a link was planted there).
        case cannotOpen
        /// A write did not reach the journal: none of it did.
        case cannotWrite
        case cannotRead
        /// The journal holds a kind, status or decision this version does not know: written by a
        /// newer Warden, or changed outside Warden. Never skipped: a resume that skipped an event
        /// it cannot read would act on half of what happened.
        case unknownValue
        /// An action names a run the journal does not hold.
        case noSuchRun
        /// A claim that may be made once was made already (an occurrence's `firing` or `outcome`):
        /// nothing of the write was kept. Not a failure to retry: someone else holds the claim.
        case alreadyClaimed
        /// A write for a run by a controller that no longer holds it: another controller adopted
        /// the run (its epoch is higher). Nothing was kept; the writer must send nothing more for
        /// the run and stop it without cleanup (the adopter does that).
        case fenced
    }

    public let kind: Kind
    public let description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
