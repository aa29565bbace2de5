import Foundation
import HTTPTypes
import Testing
import WardenCore
import WardenTesting

/// `GET /runs/{id}` and its forms: the plan with its hash, the hosts × steps
/// grid, the timeline, approvals, what hosts printed (as text, whatever they
/// printed), the journal; Cancel and Approve/Deny under the API's rules.
@Suite("Web run page")
struct WebRunPageTests {
    @Test func aFinishedRunShowsItsPlanGridTimelineOutputAndJournal() async throws {
        try await ServeHarness.with { harness, api in
            let runID = try await api.start("inspect")
            let run = try await harness.finish(runID)
            let browser = WebBrowser(api: api)
            let page = try await browser.get("/runs/\(runID)", cookie: try await browser.signIn(as: .viewer))
            #expect(page.code == 200, "\(page)")
            #expect(page.text.contains(run.planHash), "the plan hash approvals bind to")
            #expect(page.text.contains("<code class=\"command\">status db</code>"), "the exact command per host, from the plan")
            #expect(page.text.contains(#"<th scope="row">db1</th>"#) && page.text.contains(#"<th scope="row">db2</th>"#), "a grid row per host")
            #expect(page.text.contains(#"<td class="cell cell-ok">ok</td>"#), "each cell says its state in words")
            #expect(page.text.contains(#"<svg class="timeline""#) && page.text.contains(#"class="bar bar-ok""#), "the timeline picture")
            #expect(page.text.contains("<title>status db1: ok (exit 0) "), "a bar's tooltip says what it is")
            #expect(page.text.contains("running"), "what the hosts printed")
            #expect(page.text.contains(#"<span class="kind">outcome</span>"#), "the journal as lines")
            #expect(page.text.contains(#"data-final="true""#), "an ended run tells the script to stop listening")
            #expect(!page.text.contains("Cancel this run"), "a viewer gets no Cancel")
            // The live part alone: no layout around it.
            let live = try await browser.get("/runs/\(runID)/live", cookie: try await browser.signIn(as: .viewer))
            #expect(live.code == 200 && !live.text.contains("<html") && live.text.contains("Hosts and steps"), "\(live)")
            // The journal as a download, never shown inline.
            let journal = try await browser.get("/runs/\(runID)/journal.txt", cookie: try await browser.signIn(as: .viewer))
            #expect(journal[.contentDisposition]?.hasPrefix("attachment;") == true && journal[.contentType] == "text/plain; charset=utf-8")
            #expect(journal.text.contains("outcome  status  db1  ok  exit 0"), "\(journal.text)")
        }
    }

    @Test func whateverAHostPrintsIsShownAsTextWithColoursFromAnAllowlist() async throws {
        try await ServeHarness.with { harness, api in
            harness.transport.on(.prefix("status "), host: "db1",
                                 reply: .success("<script>alert(1)</script> <img src=x onerror=alert(1)> \u{1B}[1;31mRED\u{1B}[0m plain \u{1B}]0;title\u{07}\u{1B}[2Jend\u{202E}x\n"))
            let runID = try await api.start("inspect")
            _ = try await harness.finish(runID)
            let browser = WebBrowser(api: api)
            let page = try await browser.get("/runs/\(runID)", cookie: try await browser.signIn(as: .viewer))
            #expect(page.code == 200)
            #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;"), "markup shows literally")
            #expect(!page.text.contains("<script>alert") && !page.text.contains("<img"))
            #expect(page.text.contains(#"<span class="ansi-bold ansi-red">RED</span>"#), "colour codes become allowlisted classes")
            #expect(!page.text.contains("\u{1B}") && !page.text.contains("0;title"), "other escapes are dropped, with their text")
            #expect(!page.text.contains("\u{202E}"), "bidi overrides are dropped")
            #expect(page.text.contains("end"))
        }
    }

    @Test func aCommandsEscapesAndBidiOverridesAreShownNotActedOn() async throws {
        try await ServeHarness.with { harness, api in
            let runID = try await api.start("inspect", params: ["service": "db\u{1B}[2J\u{202E}evil"])
            _ = try await harness.finish(runID)
            let browser = WebBrowser(api: api)
            let page = try await browser.get("/runs/\(runID)", cookie: try await browser.signIn(as: .viewer))
            #expect(page.text.contains(#"db\x1b[2J\u{202E}evil"#), "the plan's command as the CLI shows it: \(page.text)")
            #expect(!page.text.contains("\u{1B}") && !page.text.contains("\u{202E}"))
        }
    }

    @Test func anApproverDecidesOnThePageAndTheInitiatorIsToldWhyTheyCannot() async throws {
        try await ServeHarness.with { harness, api in
            let runID = try await api.start("rebalance", as: .operatorApprover)
            try await harness.awaitGate(of: runID)
            let browser = WebBrowser(api: api)
            let oscar = try await browser.signIn(as: .operatorApprover)
            let own = try await browser.get("/runs/\(runID)", cookie: oscar)
            #expect(own.text.contains("Waiting for approval at <code>go</code>"), "\(own.text)")
            #expect(own.text.contains("You cannot approve this: you (oscar) started this run; another person must approve it"), "\(own.text)")
            #expect(!own.text.contains(#"value="approve""#), "no Approve button for the initiator")
            // A forged post of the initiator's is refused all the same.
            let forged = try await browser.postForm("/runs/\(runID)/decision", ["csrf": try WebBrowser.csrf(in: own), "decision": "approve"], cookie: oscar)
            #expect(forged.code == 403 && forged.text.contains("another person must approve it"), "\(forged)")

            let april = try await browser.signIn(as: .approver)
            let page = try await browser.get("/runs/\(runID)", cookie: april)
            #expect(page.text.contains(#"<button type="submit" name="decision" value="approve">Approve</button>"#))
            let csrf = try WebBrowser.csrf(in: page)
            #expect(try await browser.postForm("/runs/\(runID)/decision", ["decision": "approve"], cookie: april).code == 403, "no CSRF token")
            let viewer = try await browser.signIn(as: .viewer)
            let viewerPage = try await browser.get("/runs/\(runID)", cookie: viewer)
            #expect(viewerPage.text.contains("You cannot approve this: vera does not have the approver role"), "\(viewerPage.text)")
            #expect(try await browser.postForm("/runs/\(runID)/decision", ["csrf": try WebBrowser.csrf(in: viewerPage), "decision": "approve"],
                                               cookie: viewer).code == 403, "a viewer's forged post")
            let denial = try await browser.postForm("/runs/\(runID)/decision", ["csrf": csrf, "decision": "deny", "comment": " "], cookie: april)
            #expect(denial.code == 422 && denial.text.contains("a denial needs a &#39;comment&#39;"), "\(denial)")
            let stale = try await browser.postForm("/runs/\(runID)/decision", ["csrf": csrf, "decision": "approve", "plan_hash": "sha256:old"], cookie: april)
            #expect(stale.code == 409, "a decision on a plan the page did not show: \(stale)")

            let decided = try await browser.postForm("/runs/\(runID)/decision",
                                                     ["csrf": csrf, "decision": "approve", "comment": "window agreed <b>now</b>",
                                                      "plan_hash": try #require(try await harness.journal.run(runID)?.planHash)], cookie: april)
            #expect(decided.code == 303 && decided[.location] == "/runs/\(runID)", "\(decided)")
            let run = try await harness.finish(runID)
            #expect(run.status == .ended(.succeeded), "\(run.reason ?? "")")
            let after = try await browser.get("/runs/\(runID)", cookie: viewer)
            #expect(after.text.contains("<td>april</td><td><strong>approve</strong>"), "who decided")
            #expect(after.text.contains("window agreed &lt;b&gt;now&lt;/b&gt;"), "and why, as text")
            #expect(try await harness.journal.auditRecords().contains { $0.action == .approval && $0.actor == "april" })
        }
    }

    @Test func anOperatorCancelsWithAReasonAndCleanupRuns() async throws {
        try await ServeHarness.with { harness, api in
            let runID = try await api.start("rebalance")
            try await harness.awaitGate(of: runID)
            let browser = WebBrowser(api: api)
            let viewer = try await browser.signIn(as: .viewer)
            let viewerPage = try await browser.get("/runs/\(runID)", cookie: viewer)
            #expect(!viewerPage.text.contains("Cancel this run"))
            #expect(try await browser.postForm("/runs/\(runID)/cancel", ["csrf": try WebBrowser.csrf(in: viewerPage), "reason": "x"],
                                               cookie: viewer).code == 403)
            let olga = try await browser.signIn(as: .operator)
            let page = try await browser.get("/runs/\(runID)", cookie: olga)
            #expect(page.text.contains("Cancel this run") && page.text.contains(#"data-confirm="Cancel this run? Its cleanup still runs.""#))
            let csrf = try WebBrowser.csrf(in: page)
            let empty = try await browser.postForm("/runs/\(runID)/cancel", ["csrf": csrf, "reason": "  "], cookie: olga)
            #expect(empty.code == 422 && empty.text.contains("A cancellation needs a reason"), "\(empty)")
            let cancelled = try await browser.postForm("/runs/\(runID)/cancel", ["csrf": csrf, "reason": "the window closed"], cookie: olga)
            #expect(cancelled.code == 303, "\(cancelled)")
            let run = try await harness.finish(runID)
            #expect(run.reason?.hasPrefix("cancelled by olga: the window closed") == true, "\(run.reason ?? "")")
            #expect(harness.transport.commands(receivedBy: "meta1").filter { $0.hasPrefix("set_meta_level") } == ["set_meta_level steady"])
            let again = try await browser.postForm("/runs/\(runID)/cancel", ["csrf": csrf, "reason": "again"], cookie: olga)
            #expect(again.code == 409 && again.text.contains("The run was not cancelled"), "\(again)")
        }
    }

    @Test func theStreamIsTheRunsEventsForTheSessionAndAnUnknownRunIs404() async throws {
        try await ServeHarness.with { harness, api in
            let runID = try await api.start("inspect")
            _ = try await harness.finish(runID)
            let browser = WebBrowser(api: api)
            let cookie = try await browser.signIn(as: .viewer)
            let stream = try await api.get("/runs/\(runID)/stream", as: nil, headers: [.cookie: "warden_session=\(cookie)", HTTPField.Name("Last-Event-ID")!: "2"])
            #expect(stream[.contentType] == "text/event-stream; charset=utf-8", "\(stream)")
            #expect(!stream.text.contains("id: 2\n") && stream.text.contains("id: 3\n") && stream.text.contains("event: run-finished"), "\(stream.text)")
            #expect(try await browser.get("/runs/\(runID)/stream", cookie: nil).code == 303, "no session, no stream")
            let missing = try await browser.get("/runs/no%3Cb%3Esuch/live", cookie: cookie)
            #expect(missing.code == 404 && missing.text.contains("no&lt;b&gt;such"), "\(missing)")
        }
    }
}
