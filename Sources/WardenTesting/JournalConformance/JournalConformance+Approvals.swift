import Foundation
import WardenCore

extension JournalConformance {
    static var approvals: [JournalConformanceCheck] {
        [
            JournalConformanceCheck("approvals are kept in the order recorded, whatever their times, and decide the gate") { store in
                let journal = store.journal
                try await journal.begin(ConformanceSample.run("r1", initiator: "alice"))
                try await journal.begin(ConformanceSample.run("r2"))
                // Recorded in this order, though their clocks say otherwise (controllers' clocks differ).
                let bob = Approval(runID: "r1", step: "gate", approver: "bob", decision: .approve, comment: "ok", planHash: "sha256:ab",
                                   signature: "-----BEGIN SSH SIGNATURE-----", at: ConformanceSample.at(10))
                let carol = Approval(runID: "r1", step: "gate", approver: "carol", decision: .approve, comment: nil, planHash: "sha256:ab",
                                     at: ConformanceSample.at(5))
                let dave = Approval(runID: "r1", step: "later", approver: "dave", decision: .deny, comment: "no", planHash: "sha256:ab",
                                    at: ConformanceSample.at(1))
                let erin = Approval(runID: "r2", step: "gate", approver: "erin", decision: .approve, comment: nil, planHash: "sha256:ab",
                                    at: ConformanceSample.at(2))
                for approval in [bob, carol, dave, erin] { try await journal.record(approval) }
                try requireEqual(try await journal.allApprovals(), [bob, carol, dave, erin], "every approval, in the order recorded")
                let gate = try await journal.approvals(of: "r1", step: "gate")
                try requireEqual(gate, [bob, carol], "run r1's approvals at its gate")
                try requireEqual(ConformanceSample.terms(quorum: 2).state(of: gate, planHash: "sha256:ab", initiator: "alice"),
                                 .approved(by: ["bob", "carol"]), "the gate's state")
                try requireEqual(try await journal.auditRecords().filter { $0.action == .approval }.map(\.status),
                                 ["approve", "approve", "deny", "approve"], "the approvals' audit records")
                try await requireJournalError(.noSuchRun, "an approval of a run never begun") {
                    try await journal.record(Approval(runID: "missing", step: "gate", approver: "bob", decision: .approve, comment: nil, planHash: "x"))
                }
                try requireEqual(try await journal.verifyAudit(), nil, "verifyAudit")
            },
        ]
    }
}
