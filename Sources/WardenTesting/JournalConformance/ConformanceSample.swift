import Foundation
import WardenCore

/// The runs and times the checks use: fixed, so what is read back can be
/// compared with what was written to the bit.
enum ConformanceSample {
    /// A start time with a fraction, as a clock gives.
    static let start = Date(timeIntervalSince1970: 1_800_000_000.123_456)

    static func run(_ id: String, startedAt: Date = start, initiator: String = "alice", controller: String = "bastion:42") -> JournalRun {
        JournalRun(id: id, runbook: "demo", file: "demo.yaml", initiator: initiator, controller: controller, planHash: "sha256:ab",
                   parameters: "{\"service\":\"x\",\"token\":\"<secret>\"}", startedAt: startedAt, plan: "{\"steps\":[]}")
    }

    static func at(_ seconds: Double) -> Date {
        start.addingTimeInterval(seconds)
    }

    /// The terms of a gate that needs `quorum` approvals from anyone but the initiator.
    static func terms(quorum: Int) -> ApprovalTerms {
        ApprovalTerms(quorum: quorum, approvers: [], allowSelfApproval: false, requireSignatures: false, allowedSigners: nil,
                      timeout: .seconds(60), message: nil, policy: nil)
    }
}
