import Foundation
import Testing
@testable import WardenCore
@testable import WardenServer
import WardenTesting

/// `GET /status`: what `GET /api/v1/status` says, as a page (version, config,
/// listen address, counts, journal, uptime, active runs, adopted runs waiting
/// for an operator); and every page of this slice signed in or sent to sign in.
@Suite("Web status page")
struct WebStatusPageTests {
    @Test func aViewerSeesWhatTheStatusAPISays() async throws {
        try await ServeHarness.with { harness, api in
            // Up for a while first (the run's gate would time out if the clock moved while it waits).
            harness.clock.advance(by: .seconds(2 * 3600 + 5 * 60))
            let runID = try await api.start("rebalance")
            try await harness.awaitGate(of: runID)
            await harness.services.adoptions.record([.waiting("20250615-150000-0042", reason: "a change of unknown outcome <img src=x onerror=alert(1)>")])
            let status = try await api.get("/api/v1/status").json
            #expect(status["listen"].string == "127.0.0.1:8470" && status["tls"].bool == false, "\(status)")
            #expect(status["inventories"].int == 1 && status["runbooks"].int == 3)
            let journal = try #require(status["journal"].string)
            #expect(journal == harness.store.location)

            let browser = WebBrowser(api: api)
            let page = try await browser.get("/status", cookie: try await browser.signIn(as: .viewer))
            #expect(page.code == 200, "\(page)")
            let main = page.main
            #expect(main.contains("<dt>Version</dt><dd>\(WardenVersion.current)</dd>"), "\(main)")
            #expect(main.contains("<code>\(harness.configPath)</code>, loaded <time datetime=\"2025-06-15T15:06:40Z\">2025-06-15 15:06:40 UTC</time>"))
            #expect(main.contains("<code>127.0.0.1:8470</code> (HTTP)"))
            #expect(main.contains("<dt>Inventories</dt><dd>1</dd>") && main.contains("<dt>Runbooks</dt><dd>3</dd>"))
            #expect(main.contains("<dt>Journal</dt><dd><code>\(journal)</code></dd>"))
            #expect(main.contains("(2h5m)"), "uptime by the daemon's clock: \(main)")
            #expect(main.contains(#"<span class="status state-accepting">accepting</span>"#))
            #expect(main.contains(#"<a href="/runs/\#(runID)">\#(runID)</a>"#), "the active run")
            #expect(main.contains(#"<a href="/runs/20250615-150000-0042">20250615-150000-0042</a>"#), "the adopted run waiting")
            #expect(main.contains("a change of unknown outcome &lt;img src=x onerror=alert(1)&gt;") && !main.contains("<img"))
            #expect(!main.contains("<form"))
            #expect(page.text.contains(#"<a href="/status" aria-current="page">Status</a>"#))
        }
    }

    @Test(arguments: ["/schedules", "/schedules/x", "/incidents", "/incidents/I1", "/locks", "/audit", "/status"])
    func withoutASessionAPageSendsToSignIn(path: String) async throws {
        try await ServeHarness.with { _, api in
            let reply = try await WebBrowser(api: api).get(path, cookie: nil)
            #expect(reply.code == 303, "\(reply)")
            #expect(reply[.location]?.hasPrefix("/sign-in?next=") == true, "\(reply)")
        }
    }

    @Test(arguments: ["/schedules/x/pause", "/schedules/x/resume", "/incidents/I1/close", "/locks/x/break"])
    func withoutASessionAFormIsRefused(path: String) async throws {
        try await ServeHarness.with { _, api in
            let reply = try await WebBrowser(api: api).postForm(path, ["reason": "r"])
            #expect(reply.code == 403, "\(reply)")
        }
    }
}
