import Foundation
import Testing
@testable import WardenCore
@testable import WardenServer
import WardenTesting

/// `GET /incidents` and `/incidents/{id}`: the API's incident views with
/// the alerts they were made of, every decision and its runs; whatever an
/// alert carries is shown as text; an operator closes an incident by hand
/// with a reason, as the API's route does.
@Suite("Web incidents page")
struct WebIncidentsPageTests {
    static let script = "<script>alert(1)</script>"
    static let image = "<img src=x onerror=alert(1)>"

    /// One firing DBDown alert of db1 whose other labels and annotations are hostile.
    static var delivery: String {
        jsonText([
            "version": "4", "groupKey": "{}:{alertname=\"DBDown\"}", "truncatedAlerts": 0, "status": "firing", "receiver": "warden",
            "groupLabels": ["alertname": "DBDown"], "commonLabels": [:], "commonAnnotations": [:], "externalURL": "http://alertmanager:9093",
            "alerts": [[
                "status": "firing",
                "labels": ["alertname": "DBDown", "cluster": "lab", "node": "db1", "team": image, "quote": #""'"#],
                "annotations": ["summary": script, "description": "db1 is \"down\" & 'out'"],
                "startsAt": "2026-12-03T02:00:00Z", "endsAt": "0001-01-01T00:00:00Z",
                "generatorURL": "javascript:alert(1)", "fingerprint": "fp-db1",
            ]],
        ] as [String: Any])
    }

    /// Delivers the alert and waits for its run; the run's id.
    static func incident(_ harness: ServeHarness, _ api: API) async throws -> String {
        let reply = try await api.post("/api/v1/alerts/alertmanager", as: .alerts, body: delivery)
        guard reply.code == 202 else { throw WardenTestFailure("the delivery was refused: \(reply)") }
        try await harness.until("the run started") { try await AlertRouteTests.decisions(harness).contains { $0.kind == "started" } }
        return try #require(try await AlertRouteTests.decisions(harness).first { $0.kind == "started" }?.run)
    }

    @Test func aViewerSeesTheIncidentItsAlertsAsTextItsDecisionsAndRuns() async throws {
        try await ServeHarness.with(AlertRouteTests.options) { harness, api in
            let run = try await Self.incident(harness, api)
            let browser = WebBrowser(api: api)
            let cookie = try await browser.signIn(as: .viewer)
            for path in ["/incidents", "/incidents/I1"] {
                let page = try await browser.get(path, cookie: cookie)
                #expect(page.code == 200, "\(path): \(page)")
                let main = page.main
                #expect(main.contains(#"<a href="/incidents/I1">I1</a> <span class="status state-open">open</span>"#), "\(main)")
                #expect(main.contains("<dd>db-down</dd>"))
                #expect(main.contains(#"<code>db-down{cluster=&quot;lab&quot;,node=&quot;db1&quot;}</code>"#), "\(main)")
                // The alert, every value as text: no tag, no attribute broken out of, no link to its source.
                #expect(main.contains("<code>team</code>=<code>&lt;img src=x onerror=alert(1)&gt;</code>"), "\(main)")
                #expect(main.contains("<code>quote</code>=<code>&quot;&#39;</code>"))
                #expect(main.contains("<dt>summary</dt><dd>&lt;script&gt;alert(1)&lt;/script&gt;</dd>"))
                #expect(main.contains("<dd>db1 is &quot;down&quot; &amp; &#39;out&#39;</dd>"))
                #expect(main.contains("<code>javascript:alert(1)</code>") && !main.contains(#"href="javascript"#))
                #expect(!main.contains("<script") && !main.contains("<img"))
                #expect(main.contains(">firing</span>"))
                // What automation did, and its run.
                #expect(main.contains("<td data-label=\"Decision\">start</td>") && main.contains("<td data-label=\"Decision\">started</td>"), "\(main)")
                #expect(main.contains(#"<a href="/runs/\#(run)">\#(run)</a>"#))
                #expect(!main.contains("<form"), "a viewer is offered no form")
            }
            #expect(try await browser.get("/incidents", cookie: cookie).text.contains(#"<a href="/incidents" aria-current="page">Incidents</a>"#))
            let unknown = try await browser.get("/incidents/I9", cookie: cookie)
            #expect(unknown.code == 404, "\(unknown)")
            try await harness.finish(run)
        }
    }

    @Test func anOperatorClosesAnIncidentByHandWithAReason() async throws {
        try await ServeHarness.with(AlertRouteTests.options) { harness, api in
            let run = try await Self.incident(harness, api)
            let browser = WebBrowser(api: api)
            let viewer = try await browser.signIn(as: .viewer)
            let viewerToken = try WebBrowser.csrf(in: try await browser.get("/incidents", cookie: viewer))
            #expect(try await browser.postForm("/incidents/I1/close", ["csrf": viewerToken, "reason": "mine"], cookie: viewer).code == 403)
            let operatorCookie = try await browser.signIn(as: .operator)
            #expect(try await browser.postForm("/incidents/I1/close", ["reason": "no token"], cookie: operatorCookie).code == 403)

            let page = try await browser.get("/incidents/I1", cookie: operatorCookie)
            #expect(page.main.contains(#"action="/incidents/I1/close""#), "\(page.main)")
            let csrf = try WebBrowser.csrf(in: page)
            let missing = try await browser.postForm("/incidents/I1/close", ["csrf": csrf, "reason": ""], cookie: operatorCookie)
            #expect(missing.code == 422 && missing.problem?.contains("The reason field is required") == true, "\(missing)")
            #expect(try await api.get("/api/v1/incidents/I1").json["status"].string == "open", "nothing was closed")
            let unknown = try await browser.postForm("/incidents/I9/close", ["csrf": csrf, "reason": "x", "back": "/incidents"], cookie: operatorCookie)
            #expect(unknown.code == 404 && unknown.problem?.contains("no open incident &#39;I9&#39;") == true, "\(unknown)")

            let closed = try await browser.postForm("/incidents/I1/close", ["csrf": csrf, "reason": "fixed by hand \(Self.script)"], cookie: operatorCookie)
            #expect(closed.code == 303 && closed[.location] == "/incidents/I1", "\(closed)")
            let shown = try await api.get("/api/v1/incidents/I1")
            #expect(shown.json["status"].string == "closed", "\(shown)")
            #expect(shown.json["closed_because"].string?.contains("closed by an operator: fixed by hand \(Self.script)") == true, "\(shown)")
            let after = try await browser.get("/incidents/I1", cookie: operatorCookie)
            #expect(after.main.contains(">closed</span>") && after.main.contains("fixed by hand &lt;script&gt;"), "\(after.main)")
            #expect(!after.main.contains(#"action="/incidents/I1/close""#), "a closed incident has nothing to close")
            try await harness.finish(run)
        }
    }
}
