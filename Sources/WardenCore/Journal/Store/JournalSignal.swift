/// What a write tells the other controllers sharing the journal, so they act now rather than at
/// their next poll (PostgreSQL's LISTEN/NOTIFY). Only a wake-up: whoever receives one reads the
/// journal for what changed, and polling finds the same without it.
public enum JournalSignal: Sendable, Hashable {
    /// A work item became claimable.
    case work
    /// A person asked that the run stop (`Journal.requestStop`).
    case stop(runID: String)
}
