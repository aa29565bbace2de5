extension Approval {
    /// What an approver decided. The raw values are what the journal stores
    /// and what an approval's signature covers: they are stable.
    public enum Decision: String, Sendable, Hashable, Codable, CaseIterable {
        case approve
        /// Stops the run at its gate (the initiator may always deny their own run).
        case deny

        /// The run's event that records the decision.
        var eventKind: JournalEvent.Kind {
            switch self {
            case .approve: .approved
            case .deny: .denied
            }
        }
    }
}
