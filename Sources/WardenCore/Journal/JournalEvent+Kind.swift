extension JournalEvent {
    /// What an event records (see `JournalEvent` for each kind's fields and
    /// detail). The raw values are what the journal stores: never change one,
    /// only add new kinds, and teach `ResumeState.rebuild` what each means
    /// (its switch has no default, so the compiler asks).
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case stepStarted = "step-started"
        case intent
        case processGroup = "process-group"
        case outcome
        case undo
        case stepFinished = "step-finished"
        case deadmanArming = "deadman-arming"
        case deadmanArmed = "deadman-armed"
        case deadmanDisarmed = "deadman-disarmed"
        case deadmanLeftArmed = "deadman-left-armed"
        case waitingApproval = "waiting-approval"
        case approved
        case denied
        case note
    }
}
