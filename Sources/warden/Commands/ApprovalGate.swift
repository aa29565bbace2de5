import Foundation
import WardenCore

/// How `warden run` waits at an `approve:` step: it journals that it is
/// waiting, then reads the approvals other operators record with
/// `warden approve` / `warden deny` until the quorum is met, someone denies,
/// or the gate times out.
struct ApprovalGate: Sendable {
    let journal: Journal
    let runID: String
    let planHash: String
    let initiator: String
    let allowSelfApproval: Bool

    func decide(_ step: Step, _ spec: ApprovalSpec) async -> ApprovalDecision {
        let terms: Value = .map([
            "quorum": .int(spec.quorum), "approvers": .list(spec.approvers.map(Value.string)),
            "allow_self_approval": .bool(allowSelfApproval), "timeout": .string(DurationText.format(spec.timeout)),
            "message": spec.message.map(Value.string) ?? .null,
        ])
        do {
            try await journal.append(.init(runID: runID, kind: "waiting-approval", step: step.id, detail: terms.jsonText(pretty: false)))
        } catch {
            return .blocked("the journal cannot be written, so nobody could approve: \(error.description)")
        }
        let from = spec.approvers.isEmpty ? "" : " from \(spec.approvers.joined(separator: ", "))"
        // The runbook's message stays on its line: it must not forge the instructions below it.
        Terminal.writeError(VisibleText.line("""
            waiting for \(spec.quorum) approval\(spec.quorum == 1 ? "" : "s")\(from) of plan \(planHash) \
            (timeout \(DurationText.format(spec.timeout)))\(spec.message.map { ": \($0)" } ?? "")
            """) + "\nanother operator approves with: warden approve \(runID)\n")
        let deadline = ContinuousClock.now + spec.timeout
        var announced: Set<String> = []
        while ContinuousClock.now < deadline {
            if Task.isCancelled { return .blocked("interrupted while waiting for approval") }
            let approvals = (try? await journal.approvals(of: runID, step: step.id)) ?? []
            let state = Journal.gateState(approvals, spec: spec, planHash: planHash, initiator: initiator, allowSelfApproval: allowSelfApproval)
            switch state {
            case let .approved(by):
                Terminal.writeError(VisibleText.line("approved by \(by.joined(separator: ", "))") + "\n")
                return .approved
            case let .denied(by, comment):
                return .blocked("denied by \(by)" + (comment.map { ": \($0)" } ?? ""))
            case let .waiting(by):
                for name in by where !announced.contains(name) {
                    announced.insert(name)
                    Terminal.writeError(VisibleText.line("approved by \(name) (\(by.count) of \(spec.quorum))") + "\n")
                }
            }
            try? await Task.sleep(for: .milliseconds(500))
        }
        return .blocked("no quorum of \(spec.quorum) approval\(spec.quorum == 1 ? "" : "s") within \(DurationText.format(spec.timeout))")
    }
}
