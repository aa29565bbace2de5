/// Whether a run an alert rule starts goes ahead on its own (`auto`) or waits
/// for an approver (`required`): the server turns `required` into a pending
/// approval instead of a start.
public enum AlertApproval: String, Sendable, Hashable, CaseIterable {
    case auto
    case required
}
