import Foundation
import HTTPTypes
import Testing
@testable import WardenCore
import WardenTesting

/// `GET /`: the runs from the journal, newest first, filtered by the form;
/// whatever a run's fields hold is shown as text; the Start link only for
/// those who may start runs; a trusted proxy's user signed in without a token.
@Suite("Web runs page")
struct WebRunsPageTests {
    static let probes = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]

    @Test func hostileFieldsAreShownAsText() async throws {
        try await ServeHarness.with { harness, api in
            try await harness.journal.begin(JournalRun(id: "20250615-150000-0001", runbook: Self.probes[0], file: "/x/probe.yaml",
                                                       initiator: Self.probes[1], controller: "elsewhere:1", planHash: "sha256:t",
                                                       parameters: "note=\(Self.probes[0]) tag=\(Self.probes[1]) quote=\"'",
                                                       startedAt: harness.clock.now, trigger: .terminal))
            let browser = WebBrowser(api: api)
            let page = try await browser.get("/", cookie: try await browser.signIn(as: .viewer))
            #expect(page.code == 200, "\(page)")
            #expect(page.text.components(separatedBy: "<script").count == 2, "no raw script tag but the page's own script file")
            #expect(!page.text.contains("<img"), "no raw img tag")
            #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the runbook shows literally")
            #expect(page.text.contains("&lt;img src=x onerror=alert(1)&gt;"), "the initiator shows literally")
            #expect(page.text.contains("quote=&quot;&#39;"), "quotes escaped too, so no attribute can be broken out of")
        }
    }

    @Test func runsAreListedNewestFirstWithTheirStatusInWords() async throws {
        try await ServeHarness.with { harness, api in
            for (index, runbook) in ["inspect", "restart", "rebalance"].enumerated() {
                try await harness.journal.begin(JournalRun(id: "20250615-15000\(index)-0001", runbook: runbook, file: "/x/\(runbook).yaml",
                                                           initiator: "tess", controller: "elsewhere:1", planHash: "sha256:t", parameters: "",
                                                           startedAt: harness.clock.now, trigger: .terminal))
                harness.clock.advance(by: .seconds(60))
            }
            let browser = WebBrowser(api: api)
            let cookie = try await browser.signIn(as: .viewer)
            let page = try await browser.get("/", cookie: cookie)
            let positions = ["rebalance", "restart", "inspect"].compactMap { page.text.range(of: "<td>\($0)</td>")?.lowerBound }
            #expect(positions.count == 3 && positions == positions.sorted(), "newest first: \(page)")
            #expect(page.text.contains(">running</span>"), "the status is a word, not only a colour")

            let filtered = try await browser.get("/?status=&runbook=restart&trigger=terminal&initiator=", cookie: cookie)
            #expect(filtered.code == 200)
            #expect(filtered.text.contains("<td>restart</td>"))
            #expect(!filtered.text.contains("<td>inspect</td>"), "the filter narrows the list")
            #expect(filtered.text.contains(#"name="runbook" value="restart""#), "the form keeps the filter")
            #expect(filtered.text.contains(#"<option value="terminal" selected>"#))

            let none = try await browser.get("/?trigger=alert", cookie: cookie)
            #expect(none.text.contains("No runs match."))
            let wrong = try await browser.get("/?status=sideways", cookie: cookie)
            #expect(wrong.code == 200)
            #expect(wrong.text.contains("unknown status &#39;sideways&#39;"), "\(wrong)")
        }
    }

    @Test func onlyThoseWhoMayStartRunsSeeStart() async throws {
        try await ServeHarness.with { _, api in
            let browser = WebBrowser(api: api)
            let viewer = try await browser.get("/", cookie: try await browser.signIn(as: .viewer))
            #expect(viewer.code == 200)
            #expect(!viewer.text.contains(#"href="/start""#), "a viewer may not start runs")
            let operatorPage = try await browser.get("/", cookie: try await browser.signIn(as: .operator))
            #expect(operatorPage.text.contains(#"href="/start""#))
        }
    }

    @Test func aTrustedProxysUserIsSignedInWithoutAToken() async throws {
        var options = ServeHarness.Options()
        options.proxy = ServeConfiguration.ProxyTrust(addresses: ["127.0.0.1", "::1"], header: "X-Forwarded-User", users: ["carol": ["operator"]])
        try await ServeHarness.with(options, live: true) { _, api in
            let user = HTTPField.Name("X-Forwarded-User")!
            let page = try await api.get("/", as: nil, headers: [user: "carol"])
            #expect(page.code == 200, "\(page)")
            #expect(page.text.contains("Signed in as <strong>carol</strong>"))
            #expect(page.text.contains(#"href="/start""#), "carol is an operator")
            #expect(WebBrowser.sessionCookie(page) != nil, "a session, so her forms carry a CSRF token")
            // Without the header and without a cookie, no one.
            #expect(try await api.get("/", as: nil)[.location] == "/sign-in?next=%2F")
        }
    }
}

/// The runs table alone, which the runs page's script fetches every few seconds with the page's filters.
@Suite("Web runs table")
struct WebRunsTableTests {
    @Test func theTableIsServedAloneWithThePagesFiltersAndLinksToEachRun() async throws {
        try await ServeHarness.with { harness, api in
            let runID = try await api.start("inspect")
            _ = try await harness.finish(runID)
            let browser = WebBrowser(api: api)
            let cookie = try await browser.signIn(as: .viewer)
            let page = try await browser.get("/?status=succeeded&initiator=olga+x&runbook=", cookie: cookie)
            #expect(page.text.contains(#"data-live="/runs-table?status=succeeded&amp;initiator=olga%20x" data-poll="5""#), "\(page.text)")
            #expect(page.text.contains(#"name="initiator" value="olga x""#), "a '+' in a GET form is a space")
            let table = try await browser.get("/runs-table?status=succeeded", cookie: cookie)
            #expect(table.code == 200 && !table.text.contains("<html"), "\(table)")
            #expect(table.text.contains(#"<a href="/runs/\#(runID)"><code>\#(runID)</code></a>"#), "\(table.text)")
            #expect(try await browser.get("/runs-table?status=failed", cookie: cookie).text.contains("No runs match."))
        }
    }
}

/// A hundred runs a page, older ones one link away; a page that is not there, said in a page.
@Suite("Web runs paging")
struct WebRunsPagingTests {
    @Test func olderRunsAreOneLinkAwayWithTheSameFilters() async throws {
        try await ServeHarness.with { harness, api in
            for index in 0..<101 {
                try await harness.journal.begin(JournalRun(id: String(format: "20250615-150000-%04d", index), runbook: "inspect", file: "/x/inspect.yaml",
                                                           initiator: "olga", controller: "elsewhere:1", planHash: "sha256:t", parameters: "{}",
                                                           startedAt: harness.clock.now.addingTimeInterval(Double(index)), trigger: .api))
            }
            let browser = WebBrowser(api: api)
            let cookie = try await browser.signIn(as: .viewer)
            let first = try await browser.get("/?runbook=inspect", cookie: cookie)
            #expect(first.text.contains("20250615-150000-0100") && !first.text.contains("20250615-150000-0000<"), "the newest hundred")
            let older = try #require(first.text.range(of: #"<a href="/?runbook=inspect&amp;after="#).map { range in
                String(first.text[range.lowerBound...].dropFirst(#"<a href=""#.count).prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&")
            })
            let second = try await browser.get(older, cookie: cookie)
            #expect(second.code == 200 && second.text.contains("20250615-150000-0000") && !second.text.contains("20250615-150000-0001<"), "\(second.text)")
            #expect(second.text.contains(#"<a href="/?runbook=inspect">Newest runs</a>"#) && !second.text.contains("data-poll"),
                    "an older page does not refresh itself into the newest")
            let forged = try await browser.get("/?after=not-a-cursor", cookie: cookie)
            #expect(forged.code == 200 && forged.text.contains("that page of older runs is not one this daemon gave"))
        }
    }

    @Test func aBrowserAskingForAMissingPageGetsAPageAndTheAPIItsJSON() async throws {
        try await ServeHarness.with { _, api in
            let page = try await api.get("/no/such<page>", as: nil, headers: [.accept: "text/html,application/xhtml+xml"])
            #expect(page.code == 404 && page[.contentType] == "text/html; charset=utf-8" && page.text.contains("no page /no/such&lt;page&gt;"), "\(page)")
            let json = try await api.get("/api/v1/nope", as: .viewer, headers: [.accept: "text/html"])
            #expect(json.code == 404 && json[.contentType]?.hasPrefix("application/json") == true, "\(json)")
        }
    }
}
