import Foundation

/// A run waiting at an approval gate, as a person about to decide on it sees
/// it: the run, the step, the terms (as the gate journaled them, tightened
/// again by this machine's site policy, so a gate journaled with loose terms
/// cannot talk an approver out of the site's rules) and the plan the decision
/// binds to. `warden approve`/`deny` and the daemon's API decide through here.
public struct PendingApproval: Sendable {
    public let run: JournalRun
    public let step: String
    public let terms: ApprovalTerms
    /// The plan shown to the approver; its hash is the run's.
    public let plan: Plan

    /// The gate run `id` waits at, or why there is none to decide on.
    public static func find(_ id: String, in journal: Journal, policy: ApprovalPolicy) async throws(RunSessionError) -> PendingApproval {
        let run: JournalRun?
        let events: [JournalEvent]
        do {
            run = try await journal.run(id)
            events = try await journal.events(of: id)
        } catch {
            throw RunSessionError(.failed, "\(error)")
        }
        guard let run else {
            throw RunSessionError(.invalidInput, "no run '\(id)' in \(journal.path); `warden runs` lists them")
        }
        guard run.status == .running else {
            throw RunSessionError(.invalidInput, "run \(id) is \(run.status), not waiting for approval")
        }
        guard let waiting = events.last(where: { $0.kind == .waitingApproval }), let step = waiting.step,
              !events.contains(where: { $0.kind == .stepFinished && $0.step == step && $0.sequence > waiting.sequence }) else {
            throw RunSessionError(.invalidInput, "run \(id) is not waiting at an approval gate")
        }
        let journaled = (try? JSONDecoder().decode(ApprovalTerms.self, from: Data((waiting.detail ?? "{}").utf8)))
            ?? ApprovalTerms(quorum: 1, approvers: [], allowSelfApproval: false, requireSignatures: false, allowedSigners: nil,
                             timeout: .zero, message: nil, policy: nil)
        // The plan shown is the one the decision binds to: its hash must be the run's.
        guard let text = run.plan, let plan = try? JSONDecoder().decode(Plan.self, from: Data(text.utf8)) else {
            throw RunSessionError(.invalidInput, "run \(id) has no plan in the journal to show; nothing was decided")
        }
        guard plan.hash == run.planHash else {
            throw RunSessionError(.invalidInput, "the plan journaled for run \(id) has hash \(plan.hash), but the run is bound to \(run.planHash): "
                                  + "the state folder was changed; nothing was decided (`warden audit verify` tells more)")
        }
        return PendingApproval(run: run, step: step, terms: policy.tighten(journaled, runbook: run.runbook), plan: plan)
    }

    /// Why `person` may not make `decision` here (nil: they may).
    public func refusal(of person: String, decision: Approval.Decision) -> String? {
        terms.refusal(of: person, initiator: run.initiator, decision: decision)
    }

    /// Why `identity` may not approve here: its roles first, then the gate's rules (nil: it may).
    public func refusal(toApprove identity: Identity) -> String? {
        identity.may(.approve) ? refusal(of: identity.name, decision: .approve) : "\(identity.name) does not have the approver role"
    }

    /// A decision recorded, and what ssh-keygen said of the key that signed it (nil: unsigned,
    /// or no allowed signers to check it against).
    public struct Recorded: Sendable {
        public let approval: Approval
        public let signedWith: String?
    }

    /// Records `person`'s `decision` bound to the run's plan hash, signed
    /// with `key` when given (required where the terms require signatures), and journals it in
    /// the run. Nothing is recorded when `person` may not decide or the signature does not hold.
    public func record(_ decision: Approval.Decision, by person: String, comment: String?, key: String?,
                       in journal: Journal) async throws(RunSessionError) -> Recorded {
        let nothing = "nothing was \(decision == .approve ? "approved" : "denied")"
        if let refusal = refusal(of: person, decision: decision) {
            throw RunSessionError(.invalidInput, refusal)
        }
        var approval = Approval(runID: run.id, step: step, approver: person, decision: decision, comment: comment, planHash: run.planHash)
        var signedWith: String?
        if let key {
            do {
                approval.signature = try await ApprovalSignature.sign(approval.signedMessage, key: key)
                if let signers = terms.allowedSigners {
                    signedWith = try await ApprovalSignature.verify(approval.signedMessage, signature: approval.signature ?? "",
                                                                    principal: person, allowedSigners: signers)
                }
            } catch {
                throw RunSessionError(.invalidInput, "\(error); \(nothing)")
            }
        } else if terms.requireSignatures {
            throw RunSessionError(.invalidInput, "the site policy\(terms.policy.map { " (\($0))" } ?? "") requires signed decisions: "
                                  + "pass --key with your SSH private key, one listed for \(person) in \(terms.allowedSigners ?? "the allowed signers")")
        }
        do {
            try await journal.record(approval)
            let said = comment.map { ": \($0)" } ?? ""
            let signed = approval.signature == nil ? "" : ", signed"
            try await journal.append(.init(runID: run.id, kind: decision.eventKind, step: step, host: nil,
                                           detail: "\(person)\(said) (plan \(run.planHash))\(signed)"))
        } catch {
            throw RunSessionError(.failed, "\(error); the decision may not have been recorded: `warden show \(run.id)` tells")
        }
        return Recorded(approval: approval, signedWith: signedWith)
    }
}
