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

    @Argument(help: "The run id (see `warden runs`), or a scheduled occurrence planned ahead, SCHEDULE@TIME (see `warden schedules`).")
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

    @Argument(help: "The run id (see `warden runs`), or a scheduled occurrence planned ahead, SCHEDULE@TIME.")
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
        if id.contains("@") {
            try await recordAhead(decision, occurrence: id, comment: comment, key: key, state: state)
            return
        }
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

    /// A decision on a scheduled occurrence's plan, ahead of its window (`SCHEDULE@2026-12-04T01:30:00Z`):
    /// bound to the plan shown, recorded in the journal `warden serve` reads.
    static func recordAhead(_ decision: Approval.Decision, occurrence id: String, comment: String?, key: String?, state: StateOptions) async throws {
        guard let at = id.lastIndex(of: "@"), let start = OccurrenceRecord.date(String(id[id.index(after: at)...])) else {
            throw InvalidInput(description: "'\(VisibleText.line(id))' is not SCHEDULE@TIME with the occurrence's start in UTC, e.g. nightly@2026-12-04T01:30:00Z")
        }
        if key != nil {
            throw InvalidInput(description: "a decision given ahead cannot be signed (the run does not exist yet); leave out --key, or approve the run at its gate when it starts")
        }
        let schedule = String(id[..<at])
        let journal = try await state.open()
        let book = ScheduleBook(try await journal.scheduleEvents(schedule: schedule, occurrence: start.timeIntervalSince1970))
        let record = book.occurrence(schedule, at: start)
        if let content = record?.plan {
            Terminal.write(PlanText(plan: content.plan).text)
            if !content.changes.isEmpty {
                Terminal.write("\nChanged since the plan approved before:\n" + content.changes.map { "  " + VisibleText.line($0) }.joined(separator: "\n") + "\n")
            }
        }
        let me = OperatingSystemUser.name
        let policy = try ApprovalPolicy.forCommand()
        let draft: ScheduleEventDraft
        do throws(AdmissionError) {
            draft = try OccurrenceDecision.draft(decision, on: record, schedule: schedule, start: start, planHash: record?.planHash ?? "", comment: comment,
                                                 by: me, policy: policy)
        } catch {
            throw InvalidInput(description: error.description)
        }
        _ = try await journal.appendScheduleEvent(draft, at: Date())
        Terminal.write(VisibleText.line("\(decision == .approve ? "Approved" : "Denied") occurrence \(id) as \(me) (plan \(draft.planHash ?? "")); "
                                        + "warden serve reads it within 30 s.") + "\n")
    }
}
