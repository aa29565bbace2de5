import ArgumentParser
import Foundation
import WardenCore

/// `warden audit`: the state folder's tamper-evident audit log.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check or export the audit log (every run, command, approval and lock, hash-chained).",
        subcommands: [AuditVerifyCommand.self, AuditExportCommand.self])
}

/// `warden audit verify`: walks the chain and names the first broken record.
struct AuditVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the audit log's hash chain and every run's journal against it.",
        discussion: """
            Checks the audit log's chain, every run's event chain, and the runs, approvals, locks and checkpoints \
            tables against it; then the signatures of approvals and checkpoints against the site policy's \
            allowed signers, naming who signed what with which key.
            Exit status: 0 intact; 1 a record was changed, inserted or removed (the first one is named), a signature \
            does not verify, or a run the policy requires to be signed is not.
            """)

    @OptionGroup var state: StateOptions

    func run() async throws {
        let journal = try await state.open()
        let policy = try ApprovalPolicy.forCommand()
        let verification = try await AuditVerification.verify(journal, policy: policy)
        if let broken = verification.broken {
            Terminal.write("audit log BROKEN at \(broken)\n")
            Terminal.write("Records before it are intact; treat everything from it on as untrustworthy and keep the file for investigation.\n")
            throw ExitStatus.failure
        }
        let last = verification.last.map { "; last record \($0.sequence), hash \($0.hash)" } ?? ""
        Terminal.write("audit log intact: \(verification.records) records\(last)\n")
        showApprovals(verification)
        if let review = verification.checkpoints { showCheckpoints(review, policy: policy) }
        if !verification.holds { throw ExitStatus.failure }
    }

    /// Who signed each checkpoint with which key, what comes after the newest one, and (when
    /// the site requires checkpoints) which runs are not covered.
    private func showCheckpoints(_ review: CheckpointReview, policy: ApprovalPolicy) {
        for entry in review.entries {
            let checkpoint = entry.checkpoint
            let what = "checkpoint of run \(checkpoint.runID) (\(checkpoint.phase.rawValue)) at audit record \(checkpoint.auditSequence) by \(checkpoint.signer)"
            switch entry.verdict {
            case let .signed(key): Terminal.write(VisibleText.line("\(what): signed with \(key)") + "\n")
            case let .doesNotVerify(reason): Terminal.write(VisibleText.line("\(what): SIGNATURE DOES NOT VERIFY: \(reason)") + "\n")
            case .unchecked: Terminal.write(VisibleText.line("\(what): not checked (the site policy names no allowed_signers)") + "\n")
            }
        }
        if let tail = review.tail, policy.checkpointAllowedSigners != nil {
            let count = tail.count == 1 ? "audit record \(tail.lowerBound) comes" : "audit records \(tail.lowerBound)-\(tail.upperBound) come"
            Terminal.write("\(count) after the newest signed checkpoint: anyone who can write the state folder could rewrite \(tail.count == 1 ? "it" : "them") "
                           + "unnoticed (runs signed with --signing-key close the gap; `warden audit export` keeps a copy elsewhere)\n")
        }
        for run in review.uncovered {
            Terminal.write(VisibleText.line("run \(run.runID) is not covered by a signed checkpoint: \(run.reason)") + "\n")
        }
        if !review.uncovered.isEmpty {
            Terminal.write("\(review.uncovered.count) run(s) not covered, where \(policy.file ?? "the policy") requires signed checkpoints\n")
        }
    }

    /// Where the site keeps allowed signers: who signed each decision, with which key; an
    /// unsigned or forged one is named.
    private func showApprovals(_ verification: AuditVerification) {
        for entry in verification.approvals {
            let approval = entry.approval
            let what = "\(approval.decision) of run \(approval.runID) at '\(approval.step)' by \(approval.approver)"
            switch entry.verdict {
            case let .signed(key): Terminal.write(VisibleText.line("\(what): signed with \(key)") + "\n")
            case .unsigned: Terminal.write(VisibleText.line("\(what): UNSIGNED") + "\n")
            case let .doesNotVerify(reason): Terminal.write(VisibleText.line("\(what): SIGNATURE DOES NOT VERIFY: \(reason)") + "\n")
            }
        }
        let policy = verification.policy
        if verification.badApprovals > 0, policy.requireSignatures {
            Terminal.write("\(verification.badApprovals) decision(s) without a valid signature, where \(policy.file ?? "the policy") requires one\n")
        }
    }
}

/// `warden audit export`: JSON lines for a SIEM, from a sequence number on.
struct AuditExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the audit log as JSON lines (one record per line) for a SIEM.",
        discussion: """
            Each line carries its sequence, the hash of the record before it and its own hash; \
            a collector that keeps the last hash it received can tell if older records were later \
            removed from the end. Use --since to export only what is new.
            """)

    @OptionGroup var state: StateOptions

    @Option(help: "Export records from this sequence number on.")
    var since: Int = 1

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var file: String?

    func run() async throws {
        guard since >= 1 else { throw InvalidInput(description: "--since must be 1 or more, got \(since)") }
        let journal = try await state.open()
        var text = ""
        for record in try await journal.auditRecords(from: since) {
            text += try JSONText.line(record) + "\n"
        }
        guard let file else {
            Terminal.writeJSON(text)
            return
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
        } catch {
            throw InvalidInput(description: "cannot write \(file): \(error.localizedDescription)")
        }
    }
}
