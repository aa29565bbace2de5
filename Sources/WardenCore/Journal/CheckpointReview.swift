import Foundation

/// What `warden audit verify` says of the signed checkpoints, once the chains
/// hold: who signed each one with which key, which signature does not verify,
/// which records come after the newest good one (the tail a writer of the
/// state folder could still rewrite), and, when the site requires signed
/// checkpoints, which runs are not covered as they must be.
public struct CheckpointReview: Sendable {
    /// One checkpoint and what its signature showed.
    public struct Entry: Sendable {
        public let checkpoint: Checkpoint
        public let verdict: Verdict
    }

    public enum Verdict: Sendable, Equatable {
        /// Verified against the allowed signers: ssh-keygen's words for the key (type and fingerprint).
        case signed(key: String)
        /// A signature that does not verify: forged, or the signer's key is not (or no longer) allowed.
        case doesNotVerify(reason: String)
        /// No allowed-signers file to check it against.
        case unchecked
    }

    /// A run that the site's policy says must be covered by a signed checkpoint and is not.
    public struct Uncovered: Sendable, Equatable {
        public let runID: String
        public let reason: String
    }

    public let entries: [Entry]
    /// Audit records after the newest verified checkpoint; nil when there are none.
    public let tail: ClosedRange<Int>?
    public let uncovered: [Uncovered]

    /// True when nothing here is a reason to distrust the journal.
    public var holds: Bool {
        uncovered.isEmpty && !entries.contains { if case .doesNotVerify = $0.verdict { true } else { false } }
    }

    /// Checks every checkpoint's signature against `allowedSigners` (none: nothing can be
    /// checked) and, when `required`, that every ended run's end was signed and every run still
    /// going was signed when it started or was resumed. Call after `verifyAudit()` found the
    /// chains and the checkpoint rows intact: this reads the signatures only. `records` is the
    /// audit log when the caller has already read it (nil: read here).
    public static func review(_ journal: Journal, records given: [AuditRecord]? = nil, allowedSigners: String?,
                              required: Bool) async throws(JournalError) -> CheckpointReview {
        let checkpoints = try await journal.checkpoints()
        let records: [AuditRecord]
        if let given { records = given } else { records = try await journal.auditRecords() }
        var entries: [Entry] = []
        for checkpoint in checkpoints {
            guard let allowedSigners else {
                entries.append(Entry(checkpoint: checkpoint, verdict: .unchecked))
                continue
            }
            do {
                let key = try await SSHSignature.verify(checkpoint.signedMessage, signature: checkpoint.signature, principal: checkpoint.signer,
                                                        allowedSigners: allowedSigners, namespace: Checkpoint.namespace, what: "checkpoint")
                entries.append(Entry(checkpoint: checkpoint, verdict: .signed(key: key)))
            } catch {
                entries.append(Entry(checkpoint: checkpoint, verdict: .doesNotVerify(reason: error.description)))
            }
        }
        let good = entries.filter { if case .signed = $0.verdict { true } else { false } }.map(\.checkpoint)
        let newest = good.map(\.auditSequence).max() ?? 0
        // A checkpoint's own record follows the head it signs; its signature vouches for it.
        let open = records.filter { $0.sequence > newest && $0.action != .checkpoint }
        let tail = open.first.flatMap { first in records.last.map { first.sequence...$0.sequence } }
        var uncovered: [Uncovered] = []
        if required {
            // Each run's records, in one pass over the log: a journal holds many runs.
            let byRun = Dictionary(grouping: records.filter { $0.runID != nil }) { $0.runID ?? "" }
            for run in try await journal.runs().reversed() {
                let own = byRun[run.id] ?? []
                if let finished = own.last(where: { $0.action == .runFinished }) {
                    if finished.sequence > newest {
                        uncovered.append(Uncovered(runID: run.id, reason: """
                            ended (audit record \(finished.sequence)) after the newest signed checkpoint (\(newest == 0 ? "none" : "record \(newest)")): \
                            the checkpoint of its end is missing (removed, or the run ended without a signing key)
                            """))
                    }
                } else if let started = own.first(where: { $0.action == .runStarted }), started.sequence > newest,
                          !good.contains(where: { $0.runID == run.id && $0.auditSequence >= started.sequence }) {
                    uncovered.append(Uncovered(runID: run.id, reason: """
                        started (audit record \(started.sequence)) and was never signed for: its checkpoint was removed, \
                        or its controller died before signing (a `warden resume` signs)
                        """))
                }
            }
        }
        return CheckpointReview(entries: entries, tail: tail, uncovered: uncovered)
    }
}
