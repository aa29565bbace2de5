/// An approval given before its run existed (a scheduled occurrence's, given
/// during the day for the night's window): who approved which gate of which
/// plan. `RunDispatcher` records it on the run's gate when the run starts on
/// a plan with the same hash; for any other plan it counts for nothing.
public struct ApprovalAhead: Sendable, Hashable {
    public var step: String
    public var approver: String
    public var planHash: String
    public var comment: String?

    public init(step: String, approver: String, planHash: String, comment: String?) {
        self.step = step
        self.approver = approver
        self.planHash = planHash
        self.comment = comment
    }
}
