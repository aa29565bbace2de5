import Foundation
import Testing
@testable import WardenCore
@testable import WardenServer
import WardenTesting

/// `GET /schedules` and `/schedules/{id}` and their forms: the API's schedule
/// views shown in the schedule's zone and in UTC, forms only for those whose
/// role allows them, and each form doing what the API's route does (read back
/// through the API), refused with the page and why when a rule says no.
@Suite("Web schedules page")
struct WebSchedulesPageTests {
    typealias Routes = ScheduleRouteTests

    /// `inspect` at 18:00 in Berlin (16:00 UTC in summer), an hour's window.
    static var options: ServeHarness.Options {
        var options = ServeHarness.Options()
        options.schedules = """
            - id: nightly
              runbook: inspect
              inventory: lab
              cron: "0 18 * * *"
              timezone: Europe/Berlin
              duration: 1h
            """
        return options
    }

    static let hostile = #"<script>alert(1)</script> <img src=x onerror=alert(1)> "quoted" 'single'"#

    @Test func aViewerSeesEachScheduleInItsZoneAndUTCWithoutAnyForm() async throws {
        try await ServeHarness.with(Self.options) { harness, api in
            try await Routes.registered(harness)
            let browser = WebBrowser(api: api)
            let cookie = try await browser.signIn(as: .viewer)
            let page = try await browser.get("/schedules", cookie: cookie)
            #expect(page.code == 200, "\(page)")
            let main = page.main
            #expect(main.contains(#"<a href="/schedules/nightly">nightly</a>"#), "\(main)")
            #expect(main.contains("<dd>inspect</dd>") && main.contains("<dd>lab</dd>"))
            #expect(main.contains("<code>0 18 * * *</code> in Europe/Berlin, for 1h"), "\(main)")
            // The next occurrence (the test clock is at 15:06:40 UTC): 18:00 in Berlin is 16:00 UTC, both in <time datetime> UTC.
            #expect(main.contains(#"<time datetime="2025-06-15T16:00:00Z">2025-06-15 18:00 +02:00</time>"#), "\(main)")
            #expect(main.contains(#"<time datetime="2025-06-15T16:00:00Z">2025-06-15 16:00:00</time>"#))
            #expect(main.components(separatedBy: #"<td data-label="Local">"#).count == 6, "five next occurrences")
            #expect(main.contains(">scheduled</span>"), "each occurrence's state in words")
            #expect(main.contains(">enabled</span>"))
            #expect(!main.contains("<form"), "a viewer is offered no form")
            #expect(page.text.contains(#"<a href="/schedules" aria-current="page">Schedules</a>"#))

            let one = try await browser.get("/schedules/nightly", cookie: cookie)
            #expect(one.code == 200 && one.main.contains("<h1>Schedule nightly</h1>"), "\(one)")
            #expect(!one.main.contains("<form"))
            let unknown = try await browser.get("/schedules/nightlz", cookie: cookie)
            #expect(unknown.code == 404 && unknown.main.contains("no schedule &#39;nightlz&#39;"), "\(unknown)")
        }
    }

    @Test func anOperatorPausesAndResumesWithAReasonAsTheAPIWould() async throws {
        try await ServeHarness.with(Self.options) { harness, api in
            try await Routes.registered(harness)
            let browser = WebBrowser(api: api)
            let cookie = try await browser.signIn(as: .operator)
            let page = try await browser.get("/schedules", cookie: cookie)
            let csrf = try WebBrowser.csrf(in: page)
            #expect(page.main.contains(#"<form method="post" action="/schedules/nightly/pause" class="action">"#), "\(page.main)")
            #expect(page.main.contains(#"<label for="pause-reason-1">"#))

            let missing = try await browser.postForm("/schedules/nightly/pause", ["csrf": csrf, "reason": "  ", "back": "/schedules"], cookie: cookie)
            #expect(missing.code == 422, "\(missing)")
            #expect(missing.problem?.contains("The reason field is required") == true, "\(missing)")
            #expect(try await api.get("/api/v1/schedules/nightly").json["paused"].isMissing, "nothing was paused")

            let paused = try await browser.postForm("/schedules/nightly/pause", ["csrf": csrf, "reason": Self.hostile, "back": "/schedules"], cookie: cookie)
            #expect(paused.code == 303 && paused[.location] == "/schedules", "\(paused)")
            let shown = try await api.get("/api/v1/schedules/nightly")
            #expect(shown.json["paused"]["by"].string == "olga" && shown.json["paused"]["reason"].string == Self.hostile, "\(shown)")

            let after = try await browser.get("/schedules", cookie: cookie)
            #expect(after.main.contains(">paused</span>"))
            #expect(after.main.contains("&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt; &quot;quoted&quot; &#39;single&#39;"),
                    "the reason shows as text: \(after.main)")
            #expect(!after.main.contains("<script") && !after.main.contains("<img"))
            #expect(after.main.contains("skipped while the schedule is paused"))
            #expect(after.main.contains(#"action="/schedules/nightly/resume""#) && !after.main.contains(#"action="/schedules/nightly/pause""#))

            let again = try await browser.postForm("/schedules/nightly/pause", ["csrf": csrf, "reason": "twice"], cookie: cookie)
            #expect(again.code == 409 && again.problem?.contains("schedule nightly is already paused, by olga") == true, "\(again)")
            #expect(again.main.contains("<h1>Schedule nightly</h1>"), "a form of the schedule's page comes back to it")

            let noReason = try await browser.postForm("/schedules/nightly/resume", ["csrf": csrf], cookie: cookie)
            #expect(noReason.code == 422 && noReason.problem?.contains("The reason field is required") == true, "\(noReason)")
            let resumed = try await browser.postForm("/schedules/nightly/resume", ["csrf": csrf, "reason": "vendor is done"], cookie: cookie)
            #expect(resumed.code == 303 && resumed[.location] == "/schedules/nightly", "\(resumed)")
            #expect(try await api.get("/api/v1/schedules/nightly").json["paused"].isMissing)
            let events = try await harness.journal.scheduleEvents()
            #expect(events.contains { $0.kind == .resumed && $0.actor == "olga" && $0.detail == "vendor is done" }, "the resume's reason is journaled")
        }
    }

    @Test func formsPostedWithoutTheRoleOrTheSessionsTokenAreRefused() async throws {
        try await ServeHarness.with(Self.options) { harness, api in
            try await Routes.registered(harness)
            let browser = WebBrowser(api: api)
            let viewer = try await browser.signIn(as: .viewer)
            let viewerToken = try WebBrowser.csrf(in: try await browser.get("/schedules", cookie: viewer))
            let start = "/schedules/nightly/occurrences/2025-06-15T16%3A00%3A00Z"
            for path in ["/schedules/nightly/pause", "/schedules/nightly/resume", start + "/run-now", start + "/approve", start + "/deny"] {
                let forged = try await browser.postForm(path, ["csrf": viewerToken, "reason": "mine now", "plan_hash": "sha256:x"], cookie: viewer)
                #expect(forged.code == 403, "\(path): \(forged)")
            }
            let operatorCookie = try await browser.signIn(as: .operator)
            let bare = try await browser.postForm("/schedules/nightly/pause", ["reason": "no token"], cookie: operatorCookie)
            #expect(bare.code == 403, "\(bare)")
            let approver = try await browser.signIn(as: .approver)
            let approverToken = try WebBrowser.csrf(in: try await browser.get("/schedules", cookie: approver))
            #expect(try await browser.postForm("/schedules/nightly/pause", ["csrf": approverToken, "reason": "x"], cookie: approver).code == 403,
                    "an approver may not pause")
            #expect(try await api.get("/api/v1/schedules/nightly").json["paused"].isMissing)
            #expect(try await harness.journal.runs().isEmpty)
        }
    }

    /// The plan of the gated rebalance is put to approvers 12 h ahead; its owner may not approve it.
    @Test func anApproverApprovesAnOccurrenceAheadAndItsOwnerIsRefused() async throws {
        try await ServeHarness.with(ScheduleApprovalTests.options) { harness, api in
            let hash = try await ScheduleApprovalTests.planned(harness)
            let browser = WebBrowser(api: api)
            let viewer = try await browser.get("/schedules/nightly", cookie: try await browser.signIn(as: .viewer))
            #expect(viewer.main.contains(">waiting for approval</span>"), "\(viewer.main)")
            #expect(viewer.main.contains("<code class=\"hash\">\(hash)</code>"))
            #expect(!viewer.main.contains("<form"))

            let action = "/schedules/nightly/occurrences/2025-06-15T16%3A00%3A00Z/approve"
            let owner = try await browser.signIn(as: .operatorApprover)
            let ownerPage = try await browser.get("/schedules/nightly", cookie: owner)
            #expect(ownerPage.main.contains(#"action="\#(action)""#), "\(ownerPage.main)")
            #expect(ownerPage.main.contains(#"<input type="hidden" name="plan_hash" value="\#(hash)">"#))
            let refused = try await browser.postForm(action, ["csrf": try WebBrowser.csrf(in: ownerPage), "plan_hash": hash], cookie: owner)
            #expect(refused.code == 403, "\(refused)")
            #expect(refused.problem?.contains("oscar owns schedule nightly") == true, "the API's rule, in the page: \(refused)")

            let approver = try await browser.signIn(as: .approver)
            let csrf = try WebBrowser.csrf(in: try await browser.get("/schedules/nightly", cookie: approver))
            let noHash = try await browser.postForm(action, ["csrf": csrf, "plan_hash": ""], cookie: approver)
            #expect(noHash.code == 422 && noHash.problem?.contains("The plan_hash field is required") == true, "\(noHash)")
            let stale = try await browser.postForm(action, ["csrf": csrf, "plan_hash": "sha256:0"], cookie: approver)
            #expect(stale.code == 409 && stale.problem?.contains("its plan is now \(hash)") == true, "\(stale)")
            let approved = try await browser.postForm(action, ["csrf": csrf, "plan_hash": hash, "comment": "quiet <b>night</b>"], cookie: approver)
            #expect(approved.code == 303 && approved[.location] == "/schedules/nightly", "\(approved)")

            let shown = try await api.get("/api/v1/schedules/nightly/occurrences/\(Routes.first)")
            #expect(shown.json["gates"][0]["state"].string == "approved" && shown.json["gates"][0]["approved_by"][0].string == "april", "\(shown)")
            let after = try await browser.get("/schedules/nightly", cookie: approver)
            #expect(after.main.contains(">approved ahead</span>"), "\(after.main)")
            #expect(after.main.contains("april approved: quiet &lt;b&gt;night&lt;/b&gt;"), "\(after.main)")
            let once = try await browser.postForm(action, ["csrf": csrf, "plan_hash": hash], cookie: approver)
            #expect(once.code == 409 && once.problem?.contains("april already approved plan \(hash)") == true, "\(once)")
        }
    }

    @Test func anOperatorRunsTheNextOccurrenceNow() async throws {
        try await ServeHarness.with(Self.options) { harness, api in
            try await Routes.registered(harness)
            let browser = WebBrowser(api: api)
            let cookie = try await browser.signIn(as: .operator)
            let page = try await browser.get("/schedules/nightly", cookie: cookie)
            let action = "/schedules/nightly/occurrences/2025-06-15T16%3A00%3A00Z/run-now"
            #expect(page.main.contains(#"action="\#(action)""#), "\(page.main)")
            let csrf = try WebBrowser.csrf(in: page)
            let started = try await browser.postForm(action, ["csrf": csrf], cookie: cookie)
            #expect(started.code == 303 && started[.location] == "/schedules/nightly", "\(started)")
            guard case let .started(run)? = try await Routes.record(harness)?.outcome else {
                Issue.record("not started: \(try await Routes.record(harness)?.outcome?.description ?? "nothing journaled")")
                return
            }
            #expect(try await harness.journal.run(run)?.initiator == "olga")
            try await harness.finish(run)

            let after = try await browser.get("/schedules/nightly", cookie: cookie)
            #expect(after.main.contains(#"<a href="/runs/\#(run)">\#(run)</a>"#), "the outcome links its run: \(after.main)")
            #expect(after.main.contains(">started \(run)</span>"))
            let twice = try await browser.postForm(action, ["csrf": csrf], cookie: cookie)
            #expect(twice.code == 409 && twice.problem?.contains("already ended") == true, "\(twice)")
            let wrong = try await browser.postForm("/schedules/nightly/occurrences/yesterday/run-now", ["csrf": csrf], cookie: cookie)
            #expect(wrong.code == 400 && wrong.problem?.contains("start in UTC") == true, "\(wrong)")
        }
    }
}
