import Foundation
import Testing
import WardenCore
import WardenTesting

/// `GET /approvals`: what waits for a decision, what it will change and what
/// differs from last time, with the decision form only for those who may decide.
@Suite("Web approvals page")
struct WebApprovalsPageTests {
    @Test func aWaitingRunShowsItsChangesItsLastPlanAndTheFormOnlyToThoseWhoMayDecide() async throws {
        try await ServeHarness.with { harness, api in
            let browser = WebBrowser(api: api)
            let empty = try await browser.get("/approvals", cookie: try await browser.signIn(as: .viewer))
            #expect(empty.code == 200 && empty.text.contains("Nothing waits for approval."), "\(empty)")

            // Last time: the same runbook, approved and finished.
            let first = try await api.start("rebalance", as: .operatorApprover)
            try await harness.awaitGate(of: first)
            #expect(try await api.post("/api/v1/runs/\(first)/approvals", as: .approver, json: ["decision": "approve"]).code == 201)
            _ = try await harness.finish(first)

            let runID = try await api.start("rebalance", as: .operatorApprover)
            try await harness.awaitGate(of: runID)
            let planHash = try #require(try await harness.journal.run(runID)?.planHash)

            let april = try await browser.signIn(as: .approver)
            let page = try await browser.get("/approvals", cookie: april)
            #expect(page.code == 200, "\(page)")
            #expect(page.text.contains(#"<a href="/runs/\#(runID)">rebalance</a>"#))
            #expect(page.text.contains("<code>go</code> — replicas move for a few minutes"))
            #expect(page.text.contains(planHash))
            #expect(page.text.contains(#"<code class="command">set_meta_level lively</code>"#), "what it will change, exactly")
            #expect(page.text.contains("Since the last plan (<a href=\"/runs/\(first)\">\(first)</a>, succeeded"), "\(page.text)")
            #expect(page.text.contains("Nothing differs."))
            #expect(page.text.contains(#"action="/runs/\#(runID)/decision""#) && page.text.contains(#"value="approve">Approve</button>"#))

            let oscar = try await browser.get("/approvals", cookie: try await browser.signIn(as: .operatorApprover))
            #expect(!oscar.text.contains(#"value="approve">Approve</button>"#))
            #expect(oscar.text.contains("You cannot approve this: you (oscar) started this run; another person must approve it."))
            let vera = try await browser.get("/approvals", cookie: try await browser.signIn(as: .viewer))
            #expect(!vera.text.contains("<form method=\"post\" action=\"/runs/"), "a viewer gets no form")
            #expect(vera.text.contains("vera does not have the approver role"))

            let decided = try await browser.postForm("/runs/\(runID)/decision", ["csrf": try WebBrowser.csrf(in: page), "decision": "approve",
                                                                                 "plan_hash": planHash], cookie: april)
            #expect(decided.code == 303, "\(decided)")
            _ = try await harness.finish(runID)
            #expect(try await browser.get("/approvals", cookie: april).text.contains("Nothing waits for approval."))
        }
    }
}
