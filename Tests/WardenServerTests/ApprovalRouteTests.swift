import Foundation
import Testing
import WardenCore
import WardenTesting

/// `POST /runs/{id}/approvals` and `GET /approvals`: deciding on runs waiting
/// at a gate under the rules of `warden approve`, as the authenticated caller.
@Suite("Approvals")
struct ApprovalRouteTests {
    @Test func theInitiatorMayNotApproveTheirOwnRun() async throws {
        try await ServeHarness.with { harness, api in
            let runID = try await api.start("rebalance", as: .operatorApprover)
            try await harness.awaitGate(of: runID)
            let reply = try await api.post("/api/v1/runs/\(runID)/approvals", as: .operatorApprover, json: ["decision": "approve"])
            #expect(reply.code == 403, "\(reply)")
            #expect(reply.message.contains("you (oscar) started this run; another person must approve it"), "\(reply)")
            #expect(try await harness.journal.allApprovals().isEmpty)
        }
    }

    @Test func aSecondPersonsApprovalLetsTheRunGoOnToItsEnd() async throws {
        try await ServeHarness.with { harness, api in
            let runID = try await api.start("rebalance", as: .operatorApprover)
            try await harness.awaitGate(of: runID)
            let planHash = try #require(try await harness.journal.run(runID)?.planHash)
            let reply = try await api.post("/api/v1/runs/\(runID)/approvals", as: .approver,
                                           json: ["decision": "approve", "comment": " window agreed with the on-call "])
            #expect(reply.code == 201, "\(reply)")
            #expect(reply.json == .object(["run_id": .string(runID), "step": .string("go"), "decision": .string("approve"),
                                           "approver": .string("april"), "plan_hash": .string(planHash)]))
            let run = try await harness.finish(runID)
            #expect(run.status == .ended(.succeeded), "\(run.reason ?? "")")
            #expect(harness.transport.commands(receivedBy: "meta1").filter { $0.hasPrefix("set_meta_level") }
                    == ["set_meta_level lively", "set_meta_level steady"])

            let detail = try await api.get("/api/v1/runs/\(runID)").json
            let approvals = detail["approvals"].items
            #expect(approvals.count == 1)
            #expect(approvals.first?["approver"].string == "april")
            #expect(approvals.first?["comment"].string == "window agreed with the on-call")
            #expect(approvals.first?["decision"].string == "approve")
            #expect(detail["steps"].items.map { $0["id"].string } == ["go", "lively", "steady"])
            #expect(detail["steps"][1]["hosts"][0]["exit"].int == 0)
            #expect(detail["steps"][2]["hosts"][0]["command"].string == "set_meta_level steady")
            #expect(detail["waiting_for_approval"].isMissing)
            // The audit log has the decision, by april.
            #expect(try await harness.journal.auditRecords().contains { $0.action == .approval && $0.actor == "april" })
            // Deciding again: the run no longer waits.
            let again = try await api.post("/api/v1/runs/\(runID)/approvals", as: .approver2, json: ["decision": "approve"])
            #expect(again.code == 409, "\(again)")
        }
    }

    @Test func pendingApprovalsSayWhoMayApprove() async throws {
        try await ServeHarness.with { harness, api in
            let runID = try await api.start("rebalance", as: .operatorApprover)
            try await harness.awaitGate(of: runID)
            let detail = try await api.get("/api/v1/runs/\(runID)").json
            #expect(detail["waiting_for_approval"].string == "go")

            func pending(as caller: Caller) async throws -> JSON {
                let reply = try await api.get("/api/v1/approvals?state=pending", as: caller)
                #expect(reply.code == 200, "\(reply)")
                #expect(reply.json["approvals"].items.count == 1, "\(reply)")
                return reply.json["approvals"][0]
            }
            let april = try await pending(as: .approver)
            #expect(april["run_id"].string == runID)
            #expect(april["runbook"].string == "rebalance")
            #expect(april["step"].string == "go")
            #expect(april["initiator"].string == "oscar")
            #expect(april["quorum"].int == 1)
            #expect(april["approvers"] == .array([]))
            #expect(april["message"].string == "replicas move for a few minutes")
            #expect(april["plan_hash"].string == detail["run"]["plan_hash"].string)
            #expect(april["may_approve"].bool == true)
            #expect(april["refusal"].isMissing)

            let oscar = try await pending(as: .operatorApprover)
            #expect(oscar["may_approve"].bool == false)
            #expect(oscar["refusal"].string?.contains("another person must approve it") == true)

            let vera = try await pending(as: .viewer)
            #expect(vera["may_approve"].bool == false)
            #expect(vera["refusal"].string == "vera does not have the approver role")

            // The default state is pending; no other state is known.
            #expect(try await api.get("/api/v1/approvals").json["approvals"].items.count == 1)
            let other = try await api.get("/api/v1/approvals?state=decided")
            #expect(other.code == 400 && other.error["field"].string == "state", "\(other)")
        }
    }

    @Test func aDenialNeedsACommentAndEndsTheRun() async throws {
        try await ServeHarness.with { harness, api in
            let runID = try await api.start("rebalance")
            try await harness.awaitGate(of: runID)
            for body in [#"{"decision": "deny"}"#, #"{"decision": "deny", "comment": "   "}"#] {
                let reply = try await api.post("/api/v1/runs/\(runID)/approvals", as: .approver2, body: body)
                #expect(reply.code == 422, "\(reply)")
                #expect(reply.error["field"].string == "comment")
            }
            #expect(try await harness.journal.allApprovals().isEmpty)
            let reply = try await api.post("/api/v1/runs/\(runID)/approvals", as: .approver2,
                                           json: ["decision": "deny", "comment": "not during the sale"])
            #expect(reply.code == 201, "\(reply)")
            #expect(reply.json["decision"].string == "deny")
            let run = try await harness.finish(runID)
            #expect(run.status == .ended(.blocked), "\(run.status)")
            #expect(run.reason?.contains("denied by bert: not during the sale") == true, "\(run.reason ?? "")")
            #expect(harness.transport.commands(receivedBy: "meta1").filter { $0.hasPrefix("set_meta_level") } == ["set_meta_level steady"])
            #expect(try await api.get("/api/v1/approvals").json["approvals"] == .array([]))
        }
    }

    @Test(arguments: [
        (#"{"decision": "maybe"}"#, 400, "decision"),
        (#"{"decision": true}"#, 400, "decision"),
        (#"{"comment": "fine"}"#, 400, "decision"),
        (#"{"decision": "approve", "coment": "x"}"#, 400, "coment"),
    ])
    func aDecisionThatDoesNotReadIs400(body: String, code: Int, field: String) async throws {
        try await ServeHarness.with { harness, api in
            let runID = try await api.start("rebalance")
            try await harness.awaitGate(of: runID)
            let reply = try await api.post("/api/v1/runs/\(runID)/approvals", as: .approver, body: body)
            #expect(reply.code == code, "\(reply)")
            #expect(reply.error["field"].string == field, "\(reply)")
        }
    }

    @Test func aRunNotWaitingOrUnknownIsRefused() async throws {
        try await ServeHarness.with { harness, api in
            let finished = try await api.start("inspect")
            try await harness.finish(finished)
            let ended = try await api.post("/api/v1/runs/\(finished)/approvals", as: .approver, json: ["decision": "approve"])
            #expect(ended.code == 409, "\(ended)")
            #expect(ended.message.contains("not waiting for approval"), "\(ended)")
            let unknown = try await api.post("/api/v1/runs/20250101-000000-dead/approvals", as: .approver, json: ["decision": "approve"])
            #expect(unknown.code == 404, "\(unknown)")
        }
    }

    @Test func aPolicyRequiringSignaturesSendsApproversToTheTerminal() async throws {
        var options = ServeHarness.Options()
        options.policy.requireSignatures = true
        try await ServeHarness.with(options) { harness, api in
            let runID = try await api.start("rebalance")
            try await harness.awaitGate(of: runID)
            let approve = try await api.post("/api/v1/runs/\(runID)/approvals", as: .approver, json: ["decision": "approve"])
            #expect(approve.code == 403, "\(approve)")
            #expect(approve.message.contains("warden approve \(runID) --key"), "\(approve)")
            let deny = try await api.post("/api/v1/runs/\(runID)/approvals", as: .approver, json: ["decision": "deny", "comment": "no"])
            #expect(deny.code == 403, "\(deny)")
            #expect(deny.message.contains("warden deny \(runID) --key"), "\(deny)")
            #expect(try await harness.journal.allApprovals().isEmpty)
            #expect(try await harness.journal.run(runID)?.status == .running)
        }
    }
}
