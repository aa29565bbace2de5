import Foundation

/// How a run waits at an `approve:` step: it journals that it is waiting
/// (with the terms: the runbook's, tightened by the site's approval policy),
/// then reads the decisions other people record (`warden approve` /
/// `warden deny`, or the daemon's API, through `PendingApproval`) until the
/// quorum is met, someone allowed to denies, or the gate times out. Where the
/// terms require signatures, a decision counts only if its signature verifies
/// against the site's allowed signers: a row anyone with write access to the
/// state folder inserted does not.
struct ApprovalGate: Sendable {
    let journal: Journal
    let runID: String
    let runbook: String
    let planHash: String
    let initiator: String
    let allowSelfApproval: Bool
    let policy: ApprovalPolicy
    let delegate: any RunDelegate
    /// The run's clock: the gate's timeout and its polling keep time by it.
    let clock: any EngineClock
    /// How often the journal is read for new decisions.
    var pollInterval: Duration = .milliseconds(500)

    func decide(_ step: Step, _ spec: ApprovalSpec) async -> ApprovalDecision {
        let terms = policy.terms(for: spec, runbook: runbook, allowSelfApproval: allowSelfApproval)
        do {
            let detail = String(decoding: try JSONEncoder().encode(terms), as: UTF8.self)
            try await journal.append(.init(runID: runID, kind: .waitingApproval, step: step.id, detail: detail))
        } catch {
            return .blocked("the journal cannot be written, so nobody could approve: \(error)")
        }
        delegate.notice(.waitingForApproval(runID: runID, step: step.id, terms: terms, planHash: planHash, message: spec.message))
        let deadline = clock.instant + spec.timeout
        var announced: Set<String> = []
        var checked: [Int: Bool] = [:]
        while clock.instant < deadline {
            if Task.isCancelled { return .blocked("interrupted while waiting for approval") }
            let recorded = (try? await journal.approvals(of: runID, step: step.id)) ?? []
            var trusted: [Approval] = []
            for (index, approval) in recorded.enumerated() {
                if checked[index] == nil {
                    checked[index] = await trust(approval, terms: terms, step: step)
                }
                if checked[index] == true { trusted.append(approval) }
            }
            switch terms.state(of: trusted, planHash: planHash, initiator: initiator) {
            case let .approved(by):
                delegate.notice(.approved(by: by))
                return .approved
            case let .denied(by, comment):
                return .blocked("denied by \(by)" + (comment.map { ": \($0)" } ?? ""))
            case let .waiting(by):
                for name in by where !announced.contains(name) {
                    announced.insert(name)
                    delegate.notice(.approvalCounted(by: name, count: by.count, quorum: terms.quorum))
                }
            }
            try? await clock.sleep(for: pollInterval)
        }
        return .blocked("no quorum of \(terms.quorum) approval\(terms.quorum == 1 ? "" : "s") within \(DurationText.format(spec.timeout))")
    }

    /// Whether a decision counts: always without required signatures; with them, only
    /// when its signature is the approver's. One that does not is journaled and ignored.
    private func trust(_ approval: Approval, terms: ApprovalTerms, step: Step) async -> Bool {
        guard terms.requireSignatures, let signers = terms.allowedSigners else { return true }
        let problem: String
        if let signature = approval.signature {
            do {
                let key = try await ApprovalSignature.verify(approval.signedMessage, signature: signature, principal: approval.approver,
                                                             allowedSigners: signers)
                _ = try? await journal.append(.init(runID: runID, kind: .note, step: step.id,
                                                    detail: "\(approval.decision) by \(approval.approver) is signed with \(key)"))
                return true
            } catch {
                problem = error.description
            }
        } else {
            problem = "it is not signed, and the site policy requires signed approvals"
        }
        let reason = "ignored a \(approval.decision) recorded for \(approval.approver): \(problem)"
        delegate.notice(.approvalIgnored(reason: reason))
        _ = try? await journal.append(.init(runID: runID, kind: .note, step: step.id, detail: reason))
        return false
    }
}
