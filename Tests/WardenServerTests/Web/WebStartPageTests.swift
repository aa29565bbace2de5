import Foundation
import Testing
import WardenCore
import WardenTesting

/// `/start`: a form from the runbook's typed parameters, Plan (the dry run)
/// then Start with the hash the page showed; secrets never come back.
@Suite("Web start page")
struct WebStartPageTests {
    @Test func theFormIsMadeFromTheTypedParameters() async throws {
        try await ServeHarness.with { _, api in
            let browser = WebBrowser(api: api)
            let viewer = try await browser.get("/start", cookie: try await browser.signIn(as: .viewer))
            #expect(viewer.code == 403 && viewer.text.contains("needs the &#39;plan&#39; permission"), "\(viewer)")
            let page = try await browser.get("/start?runbook=inspect&inventory=lab", cookie: try await browser.signIn(as: .operator))
            #expect(page.code == 200, "\(page)")
            #expect(page.text.contains(#"<input type="text" id="param-service" name="param.service" value="db">"#), "a string with its default")
            #expect(page.text.contains("the service to ask about"), "its doc text")
            #expect(page.text.contains(#"<input type="number" step="1" id="param-threshold" name="param.threshold" value="5">"#))
            #expect(page.text.contains(#"<input type="number" step="any" id="param-ratio" name="param.ratio" value="0.5">"#))
            #expect(page.text.contains(#"<option value="quick" selected>quick</option><option value="full">full</option>"#), "an enum's choices")
            #expect(page.text.contains(#"<option value="false" selected>false</option>"#), "a bool")
            #expect(page.text.contains(#"<input type="password" id="param-api_key" name="param.api_key" autocomplete="new-password">"#),
                    "a secret is a password field with no value")
            #expect(!page.text.contains("action\" value=\"start\""), "no Start before a plan")
        }
    }

    @Test func planThenStartWithTheHashShownAndSecretsNeverEchoed() async throws {
        try await ServeHarness.with { harness, api in
            let browser = WebBrowser(api: api)
            let olga = try await browser.signIn(as: .operator)
            let csrf = try WebBrowser.csrf(in: try await browser.get("/start", cookie: olga))
            var fields = ["csrf": csrf, "runbook": "inspect", "inventory": "lab", "param.service": "db<script>x</script>", "param.threshold": "abc",
                          "param.mode": "full", "param.api_key": "hunter2-secret", "action": "plan"]
            let wrong = try await browser.postForm("/start", fields, cookie: olga)
            #expect(wrong.code == 422 && wrong.text.contains("threshold must be an integer"), "\(wrong.text)")
            #expect(!wrong.text.contains("hunter2-secret"), "a secret is never sent back")

            fields["param.threshold"] = "7"
            let planned = try await browser.postForm("/start", fields, cookie: olga)
            #expect(planned.code == 200, "\(planned)")
            #expect(planned.text.contains("The dry run") && planned.text.contains("db&lt;script&gt;x&lt;/script&gt;"), "\(planned.text)")
            #expect(!planned.text.contains("hunter2-secret") && !planned.text.contains("<script>x"))
            #expect(harness.transport.commands(receivedBy: "db1").allSatisfy { $0.hasPrefix("status ") }, "a plan runs only read-only checks")
            let hash = try #require(planned.text.range(of: #"name="plan_hash" value=""#).map { String(planned.text[$0.upperBound...].prefix { $0 != "\"" }) })
            #expect(planned.text.contains(#"<button type="submit" name="action" value="start" class="danger">Start (plan \#(hash.prefix(19))…)</button>"#))

            fields["action"] = "start"
            fields["plan_hash"] = "sha256:0000"
            let stale = try await browser.postForm("/start", fields, cookie: olga)
            #expect(stale.code == 409 && stale.text.contains("The plan changed since the page showed it"), "\(stale)")
            #expect(stale.text.contains(hash), "and the new plan is shown")
            #expect(try await harness.journal.runs(RunQuery()).isEmpty, "nothing started")

            fields["plan_hash"] = hash
            let started = try await browser.postForm("/start", fields, cookie: olga)
            #expect(started.code == 303, "\(started)")
            let runID = try #require(started[.location].map { String($0.dropFirst("/runs/".count)) })
            let run = try await harness.finish(runID)
            #expect(run.planHash == hash && run.initiator == "olga" && run.parameters.contains("full"), "\(run)")
            #expect(!run.parameters.contains("hunter2"), "\(run.parameters)")
        }
    }

    @Test func startNeedsTheStartPermissionAndAPlanFirst() async throws {
        try await ServeHarness.with { harness, api in
            let browser = WebBrowser(api: api)
            let april = try await browser.signIn(as: .approver)
            let csrf = try WebBrowser.csrf(in: try await browser.get("/", cookie: april))
            let refused = try await browser.postForm("/start", ["csrf": csrf, "runbook": "inspect", "inventory": "lab", "action": "start",
                                                                "plan_hash": "sha256:x"], cookie: april)
            #expect(refused.code == 403, "\(refused)")
            let olga = try await browser.signIn(as: .operator)
            let olgaCSRF = try WebBrowser.csrf(in: try await browser.get("/", cookie: olga))
            let noPlan = try await browser.postForm("/start", ["csrf": olgaCSRF, "runbook": "inspect", "inventory": "lab", "action": "start"], cookie: olga)
            #expect(noPlan.code == 422 && noPlan.text.contains("Plan first"), "\(noPlan)")
            let unknown = try await browser.postForm("/start", ["csrf": olgaCSRF, "runbook": "nope", "inventory": "lab", "action": "plan"], cookie: olga)
            #expect(unknown.code == 422 && unknown.text.contains("Pick a runbook and an inventory"), "\(unknown)")
            #expect(try await harness.journal.runs(RunQuery()).isEmpty)
        }
    }
}
