import WardenCore

/// A gate a run waits at, as the run page and the approvals page show it to
/// one visitor: the step, the quorum, who may approve, the plan hash a
/// decision binds to, and whether this visitor may decide here, or why not
/// (their roles, the gate's rules, or a site policy that wants signed
/// decisions, which only a terminal can give).
enum GateValues {
    static func values(_ pending: PendingApproval, for identity: Identity) -> [String: Any] {
        var refusal = pending.refusal(toApprove: identity)
        if refusal == nil, pending.terms.requireSignatures {
            refusal = "the site policy requires signed decisions: decide at a terminal with `warden approve \(pending.run.id) --key KEY`"
        }
        var values: [String: Any] = [
            "step": pending.step, "quorum": pending.terms.quorum, "planHash": pending.run.planHash,
            "approvers": pending.terms.approvers.isEmpty ? "anyone with the approver role" : pending.terms.approvers.joined(separator: ", "),
            "mayDecide": refusal == nil,
        ]
        if let refusal { values["refusal"] = refusal }
        if let message = pending.terms.message { values["message"] = message }
        return values
    }
}
