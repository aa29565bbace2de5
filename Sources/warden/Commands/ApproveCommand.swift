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

/// What approving and denying share: finding the gate, showing the plan, and
/// recording the decision (`PendingApproval` decides who may, and binds it).
enum Decision {
    static func record(_ decision: Approval.Decision, run id: String, comment: String?, key: String?, state: StateOptions) async throws {
        let journal = try await state.open()
        let policy = try ApprovalPolicy.forCommand()
        let me = OperatingSystemUser.name
        let pending = try await PendingApproval.find(id, in: journal, policy: policy)
        let run = pending.run
        Terminal.write(PlanText(plan: pending.plan).text)
        Terminal.write("\n" + VisibleText.line("Run \(id) of '\(run.runbook)' started by \(run.initiator) on \(run.controller), waiting at step '\(pending.step)'.") + "\n")
        let recorded = try await pending.record(decision, by: me, comment: comment, key: key, in: journal)
        if let key = recorded.signedWith { Terminal.write(VisibleText.line("signed with \(key)") + "\n") }
        Terminal.write(VisibleText.line("\(decision == .approve ? "Approved" : "Denied") run \(id) at step '\(pending.step)' as \(me) (plan \(run.planHash)).") + "\n")
    }
}
