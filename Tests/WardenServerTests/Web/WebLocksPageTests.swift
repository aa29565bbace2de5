import Foundation
import Testing
@testable import WardenCore
import WardenTesting

/// `GET /locks` and its Break form: the locks the API lists, names shown as
/// text and put into the form's path percent-encoded; only an admin may
/// break one, with a reason, audited as the API's break is.
@Suite("Web locks page")
struct WebLocksPageTests {
    static let hostileName = #"<script>alert(1)</script>/<img src=x onerror=alert(1)> "q" 'a'"#
    static let hostileRun = "20250615-150000-0009"

    /// A lock with a hostile name held by a run of another controller.
    static func holdHostileLock(_ harness: ServeHarness) async throws {
        try await harness.journal.begin(JournalRun(id: hostileRun, runbook: "inspect", file: "/x/inspect.yaml", initiator: "tess",
                                                   controller: "elsewhere:1", planHash: "sha256:t", parameters: "{}"))
        _ = try await harness.journal.acquire(RunLock(name: hostileName, runID: hostileRun, holder: "tess", controller: "elsewhere:1",
                                                      acquiredAt: harness.clock.now))
    }

    @Test func aViewerSeesTheLocksHeldAsTextWithoutAnyForm() async throws {
        try await ServeHarness.with { harness, api in
            try await Self.holdHostileLock(harness)
            let browser = WebBrowser(api: api)
            let page = try await browser.get("/locks", cookie: try await browser.signIn(as: .viewer))
            #expect(page.code == 200, "\(page)")
            let main = page.main
            #expect(main.contains("<code>&lt;script&gt;alert(1)&lt;/script&gt;/&lt;img src=x onerror=alert(1)&gt; &quot;q&quot; &#39;a&#39;</code>"), "\(main)")
            #expect(!main.contains("<script") && !main.contains("<img"))
            #expect(main.contains(#"<a href="/runs/\#(Self.hostileRun)">\#(Self.hostileRun)</a>"#))
            #expect(main.contains("tess <small>(elsewhere:1)</small>"))
            #expect(main.contains(#"<time datetime="2025-06-15T15:06:40Z">2025-06-15 15:06:40</time>"#), "since, in UTC: \(main)")
            #expect(main.contains(#"<time datetime="2025-06-15T15:07:40Z">2025-06-15 15:07:40</time>"#), "its lease, a minute on")
            #expect(!main.contains("<form"), "a viewer is offered no form")
            #expect(page.text.contains(#"<a href="/locks" aria-current="page">Locks</a>"#))
        }
    }

    @Test func anAdminBreaksALockByTheEncodedNameThePageGives() async throws {
        try await ServeHarness.with { harness, api in
            try await Self.holdHostileLock(harness)
            let browser = WebBrowser(api: api)
            let admin = try await browser.signIn(as: .admin)
            let page = try await browser.get("/locks", cookie: admin)
            let action = "/locks/%3Cscript%3Ealert%281%29%3C%2Fscript%3E%2F%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E%20%22q%22%20%27a%27/break"
            #expect(page.main.contains(#"action="\#(action)""#), "the name is one encoded path segment: \(page.main)")
            let broken = try await browser.postForm(action, ["csrf": try WebBrowser.csrf(in: page), "reason": "its controller is gone"], cookie: admin)
            #expect(broken.code == 303 && broken[.location] == "/locks", "\(broken)")
            #expect(try await api.get("/api/v1/locks").json["locks"] == .array([]))
            let audit = try await harness.journal.auditRecords()
            #expect(audit.contains { $0.action == .lockBroken && $0.actor == "ada" && $0.lock == Self.hostileName })
        }
    }

    @Test func breakingNeedsAnAdminTheSessionsTokenAndAReasonAndIsAudited() async throws {
        try await ServeHarness.with { harness, api in
            let runID = try await api.start("rebalance")
            try await harness.awaitGate(of: runID)
            let browser = WebBrowser(api: api)
            let operatorCookie = try await browser.signIn(as: .operator)
            let operatorPage = try await browser.get("/locks", cookie: operatorCookie)
            #expect(operatorPage.main.contains("<code>cluster</code>") && !operatorPage.main.contains("<form"), "only an admin breaks locks")
            let forged = try await browser.postForm("/locks/cluster/break", ["csrf": try WebBrowser.csrf(in: operatorPage), "reason": "mine"],
                                                    cookie: operatorCookie)
            #expect(forged.code == 403, "\(forged)")
            let admin = try await browser.signIn(as: .admin)
            #expect(try await browser.postForm("/locks/cluster/break", ["reason": "no token"], cookie: admin).code == 403)

            let page = try await browser.get("/locks", cookie: admin)
            #expect(page.main.contains(#"<form method="post" action="/locks/cluster/break""#), "\(page.main)")
            #expect(page.main.contains(#"<label for="break-reason-1">"#))
            let csrf = try WebBrowser.csrf(in: page)
            let missing = try await browser.postForm("/locks/cluster/break", ["csrf": csrf, "reason": " "], cookie: admin)
            #expect(missing.code == 422 && missing.problem?.contains("The reason field is required") == true, "\(missing)")
            let unknown = try await browser.postForm("/locks/clustr/break", ["csrf": csrf, "reason": "r"], cookie: admin)
            #expect(unknown.code == 404 && unknown.problem?.contains("no lock &#39;clustr&#39; is held; held: cluster") == true, "\(unknown)")
            #expect(try await harness.journal.locks().map(\.name) == ["cluster"], "nothing was broken")

            let broken = try await browser.postForm("/locks/cluster/break", ["csrf": csrf, "reason": "the holder's window was cancelled"], cookie: admin)
            #expect(broken.code == 303 && broken[.location] == "/locks", "\(broken)")
            #expect(try await api.get("/api/v1/locks").json["locks"] == .array([]))
            #expect(harness.transport.locks(on: "meta1").isEmpty, "its directory left the lock host, as the API's break does")
            let record = try #require(try await harness.journal.auditRecords().first { $0.action == .lockBroken })
            #expect(record.actor == "ada" && record.lock == "cluster" && record.runID == runID)
            #expect(record.summary?.contains("reason: the holder's window was cancelled") == true, "\(record.summary ?? "")")
            #expect(try await browser.get("/locks", cookie: admin).main.contains("No lock is held."))
            let run = try await harness.finish(runID)
            #expect(run.status != .ended(.succeeded))
        }
    }
}
