/// What started a run: an operator at a terminal, a client of `warden serve`'s
/// API, a scheduled window or an alert. Journaled with the run so that "what
/// ran last night, and why" has an answer; stored as its raw value.
public enum RunTrigger: String, Sendable, Hashable, Codable, CaseIterable {
    case terminal
    case api
    case schedule
    case alert
}
