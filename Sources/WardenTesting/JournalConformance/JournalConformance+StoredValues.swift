import Foundation
import WardenCore

extension JournalConformance {
    static var storedValues: [JournalConformanceCheck] {
        [
            JournalConformanceCheck("every kind, status, decision and phase is stored and read back as itself") { store in
                let journal = store.journal
                try await journal.begin(ConformanceSample.run("r1"))
                let statuses: [StepStatus?] = [nil] + StepStatus.allCases
                var written: [JournalEvent] = []
                for (index, kind) in JournalEvent.Kind.allCases.enumerated() {
                    written.append(try await journal.append(.init(runID: "r1", kind: kind, step: "s", status: statuses[index % statuses.count],
                                                                  at: ConformanceSample.at(Double(index)))))
                }
                try requireEqual(try await journal.events(of: "r1"), written, "an event of every kind and status")
                for decision in Approval.Decision.allCases {
                    try await journal.record(Approval(runID: "r1", step: "gate", approver: "bob", decision: decision, comment: nil, planHash: "x"))
                }
                try requireEqual(try await journal.allApprovals().map(\.decision), Approval.Decision.allCases, "every decision")
                for phase in Checkpoint.Phase.allCases {
                    try await journal.record(Checkpoint(runID: "r1", phase: phase, auditSequence: 1, auditHash: "h", signer: "a", signature: "s"))
                }
                try requireEqual(try await journal.checkpoints().map(\.phase), Checkpoint.Phase.allCases, "every phase")
                for (index, status) in RunStatus.allCases.enumerated() {
                    try await journal.begin(ConformanceSample.run("e\(index)"))
                    try await journal.finish(run: "e\(index)", status: status, reason: nil)
                }
                let ended = try await journal.runs().filter { $0.id.hasPrefix("e") }.map(\.status)
                try requireEqual(Set(ended), Set(RunStatus.allCases.map { JournalRun.Status.ended($0) }), "every run status")
                let actions = Set(try await journal.auditRecords().map(\.action))
                try require(actions.isSuperset(of: JournalEvent.Kind.allCases.map { AuditRecord.Action.event($0) }), "every kind as an audit action")
            },
            JournalConformanceCheck("a kind or status this version does not know is an error naming where it is, never skipped",
                                    requires: [.holdsUnknownValues]) { store in
                let journal = store.journal
                try await journal.begin(ConformanceSample.run("r1"))
                for index in 1...3 { try await journal.append(.init(runID: "r1", kind: .note, detail: "\(index)")) }
                try await store.tampering.storeUnknown("frobnicated", run: "r1", event: 2)
                let reading = try await requireJournalError(.unknownValue, "reading run r1's events") { try await journal.events(of: "r1") }
                for part in ["event 2 of run r1", "'frobnicated'", "kind"] {
                    try require(reading.description.contains(part), "the error names \(part): \(reading)")
                }
                let listing = try await requireJournalError(.unknownValue, "listing the runs") { try await journal.runs() }
                try require(listing.description.contains("run r1") && listing.description.contains("status"), "the error names the run: \(listing)")
                try await requireJournalError(.unknownValue, "verifying the journal") { try await journal.verifyAudit() }
            },
        ]
    }
}
