/// Where a run stands at its gate, computed from the approvals recorded
/// (`Journal.gateState`).
public enum GateState: Sendable, Hashable {
    case waiting(approvedBy: [String])
    case approved(by: [String])
    case denied(by: String, comment: String?)
}
