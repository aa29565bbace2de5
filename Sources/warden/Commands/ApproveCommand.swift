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

    @OptionGroup var state: StateOptions

    func run() async throws {
        try await Decision.record("approve", run: run, comment: comment, state: state)
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

    @OptionGroup var state: StateOptions

    func run() async throws {
        try await Decision.record("deny", run: run, comment: comment, state: state)
    }
}

/// What approving and denying share: finding the gate, showing the plan,
/// checking who may decide, and recording the decision.
enum Decision {
    static func record(_ decision: String, run id: String, comment: String?, state: StateOptions) async throws {
        let journal = try await state.open()
        guard let run = try await journal.run(id) else {
            throw InvalidInput(description: "no run '\(id)' in \(journal.path); `warden runs` lists them")
        }
        guard run.status == "running" else {
            throw InvalidInput(description: "run \(id) is \(run.status), not waiting for approval")
        }
        let events = try await journal.events(of: id)
        guard let waiting = events.last(where: { $0.kind == "waiting-approval" }), let step = waiting.step,
              !events.contains(where: { $0.kind == "step-finished" && $0.step == step && $0.sequence > waiting.sequence }) else {
            throw InvalidInput(description: "run \(id) is not waiting at an approval gate")
        }
        let terms = (try? JSONSerialization.jsonObject(with: Data((waiting.detail ?? "{}").utf8))) as? [String: Any] ?? [:]
        let allowSelf = terms["allow_self_approval"] as? Bool ?? false
        let approvers = terms["approvers"] as? [String] ?? []
        let me = OperatingSystemUser.name

        if let text = run.plan, let plan = try? JSONDecoder().decode(Plan.self, from: Data(text.utf8)) {
            Terminal.write(PlanText(plan: plan).text)
        }
        Terminal.write("\n" + VisibleText.line("Run \(id) of '\(run.runbook)' started by \(run.initiator) on \(run.controller), waiting at step '\(step)'.") + "\n")
        if me == run.initiator, !allowSelf {
            throw InvalidInput(description: "you (\(me)) started this run; another person must \(decision) it")
        }
        if !approvers.isEmpty, !approvers.contains(me) {
            throw InvalidInput(description: VisibleText.line("\(me) may not \(decision) this gate; its approvers are \(approvers.joined(separator: ", "))"))
        }
        try await journal.record(Approval(runID: id, step: step, approver: me, decision: decision, comment: comment, planHash: run.planHash))
        try await journal.append(.init(runID: id, kind: decision == "approve" ? "approved" : "denied", step: step, host: nil,
                                       detail: "\(me)" + (comment.map { ": \($0)" } ?? "") + " (plan \(run.planHash))"))
        Terminal.write(VisibleText.line("\(decision == "approve" ? "Approved" : "Denied") run \(id) at step '\(step)' as \(me) (plan \(run.planHash)).") + "\n")
    }
}
