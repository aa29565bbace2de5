import ArgumentParser
import Foundation
import WardenCore

/// `warden approve RUN` and `warden deny RUN`: an operator's decision on a
/// run waiting at a gate, made after seeing the plan it applies to. The
/// approver is the operating-system user running the command.
struct ApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Approve a run waiting at an approval gate, after seeing its plan.")

    @Argument(help: "The run id (see `warden runs`).")
    var run: String

    @Option(help: "Why, for the journal.")
    var comment: String?

    @Option(help: "Sign the approval with this SSH private key (ssh-keygen -Y sign); required where the site policy asks for signed approvals.")
    var key: String?

    @OptionGroup var state: StateOptions

    func run() async throws {
        try await Decision.record(.approve, run: run, comment: comment, key: key, state: state)
    }
}

struct DenyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deny",
        abstract: "Deny a run waiting at an approval gate; the run is blocked and its cleanup runs.")

    @Argument(help: "The run id (see `warden runs`).")
    var run: String

    @Option(help: "Why (required: the initiator needs to know).")
    var comment: String

    @Option(help: "Sign the denial with this SSH private key; required where the site policy asks for signed decisions.")
    var key: String?

    @OptionGroup var state: StateOptions

    func run() async throws {
        try await Decision.record(.deny, run: run, comment: comment, key: key, state: state)
    }
}

/// What approving and denying share: finding the gate, showing the plan,
/// checking who may decide, and recording the decision.
enum Decision {
    static func record(_ decision: Approval.Decision, run id: String, comment: String?, key: String?, state: StateOptions) async throws {
        let journal = try await state.open()
        guard let run = try await journal.run(id) else {
            throw InvalidInput(description: "no run '\(id)' in \(journal.path); `warden runs` lists them")
        }
        guard run.status == .running else {
            throw InvalidInput(description: "run \(id) is \(run.status), not waiting for approval")
        }
        let events = try await journal.events(of: id)
        guard let waiting = events.last(where: { $0.kind == .waitingApproval }), let step = waiting.step,
              !events.contains(where: { $0.kind == .stepFinished && $0.step == step && $0.sequence > waiting.sequence }) else {
            throw InvalidInput(description: "run \(id) is not waiting at an approval gate")
        }
        // The terms the gate journaled; this machine's own site policy applies on top of them, so a
        // gate journaled with loose terms cannot talk an approver out of the site's rules.
        let journaled = (try? JSONDecoder().decode(ApprovalTerms.self, from: Data((waiting.detail ?? "{}").utf8)))
            ?? ApprovalTerms(quorum: 1, approvers: [], allowSelfApproval: false, requireSignatures: false, allowedSigners: nil,
                             timeout: .zero, message: nil, policy: nil)
        var terms = journaled
        let policy = try ApprovalPolicy.forCommand()
        terms = policy.tighten(terms, runbook: run.runbook)
        let me = OperatingSystemUser.name

        // The plan shown is the one the decision binds to: its hash must be the run's.
        guard let text = run.plan, let plan = try? JSONDecoder().decode(Plan.self, from: Data(text.utf8)) else {
            throw InvalidInput(description: "run \(id) has no plan in the journal to show; nothing was \(decision == .approve ? "approved" : "denied")")
        }
        guard plan.hash == run.planHash else {
            throw InvalidInput(description: "the plan journaled for run \(id) has hash \(plan.hash), but the run is bound to \(run.planHash): "
                               + "the state folder was changed; nothing was \(decision == .approve ? "approved" : "denied") (`warden audit verify` tells more)")
        }
        Terminal.write(PlanText(plan: plan).text)
        Terminal.write("\n" + VisibleText.line("Run \(id) of '\(run.runbook)' started by \(run.initiator) on \(run.controller), waiting at step '\(step)'.") + "\n")
        if let refusal = terms.refusal(of: me, initiator: run.initiator, decision: decision) {
            throw InvalidInput(description: VisibleText.line(refusal))
        }
        var approval = Approval(runID: id, step: step, approver: me, decision: decision, comment: comment, planHash: run.planHash)
        if let key {
            do {
                approval.signature = try await ApprovalSignature.sign(approval.signedMessage, key: key)
                if let signers = terms.allowedSigners {
                    let signedWith = try await ApprovalSignature.verify(approval.signedMessage, signature: approval.signature ?? "",
                                                                        principal: me, allowedSigners: signers)
                    Terminal.write(VisibleText.line("signed with \(signedWith)") + "\n")
                }
            } catch {
                throw InvalidInput(description: "\(error.description); nothing was \(decision == .approve ? "approved" : "denied")")
            }
        } else if terms.requireSignatures {
            throw InvalidInput(description: "the site policy\(terms.policy.map { " (\($0))" } ?? "") requires signed decisions: "
                               + "pass --key with your SSH private key, one listed for \(me) in \(terms.allowedSigners ?? "the allowed signers")")
        }
        try await journal.record(approval)
        try await journal.append(.init(runID: id, kind: decision.eventKind, step: step, host: nil,
                                       detail: "\(me)" + (comment.map { ": \($0)" } ?? "") + " (plan \(run.planHash))"
                                           + (approval.signature == nil ? "" : ", signed")))
        Terminal.write(VisibleText.line("\(decision == .approve ? "Approved" : "Denied") run \(id) at step '\(step)' as \(me) (plan \(run.planHash)).") + "\n")
    }
}
