import Foundation
import Testing
@testable import WardenCore
import WardenTesting

/// `GET /audit`: the API's verification of the audit log (intact, or where
/// it breaks), its last hash, and its newest records as text, newest first.
@Suite("Web audit page")
struct WebAuditPageTests {
    @Test func aViewerSeesTheLogIntactWithItsLastHashAndNewestRecords() async throws {
        try await ServeHarness.with { harness, api in
            let runID = try await api.start("restart")
            try await harness.finish(runID)
            let head = try await harness.journal.auditHead()
            let browser = WebBrowser(api: api)
            let page = try await browser.get("/audit", cookie: try await browser.signIn(as: .viewer))
            #expect(page.code == 200, "\(page)")
            let main = page.main
            #expect(main.contains(#"<span class="status state-intact">intact</span>"#), "\(main)")
            #expect(main.contains("The hash chain of all \(head.sequence) records is intact."))
            #expect(main.contains("<dt>Last hash</dt><dd><code class=\"hash\">\(head.hash)</code></dd>"))
            #expect(try await api.get("/api/v1/audit/verify").json["head"].string == head.hash, "the API's judgement")
            // Newest first: the first row is the last record.
            let rows = main.components(separatedBy: #"<td data-label="Record">"#).dropFirst().map { $0.prefix { $0 != "<" } }
            #expect(rows.first.map(String.init) == String(head.sequence) && rows.count == head.sequence, "\(rows)")
            #expect(main.contains("<td data-label=\"Action\">run-started</td>"))
            #expect(main.contains(#"<a href="/runs/\#(runID)">\#(runID)</a>"#))
            #expect(!main.contains("<form"))
            #expect(page.text.contains(#"<a href="/audit" aria-current="page">Audit</a>"#))

            let two = try await browser.get("/audit?limit=2", cookie: try await browser.signIn(as: .viewer))
            #expect(two.main.components(separatedBy: #"<td data-label="Record">"#).count == 3, "two records")
        }
    }

    @Test func aChangedRecordIsNamedAndItsTextShownEscaped() async throws {
        try await ServeHarness.with { harness, api in
            let runID = try await api.start("restart")
            try await harness.finish(runID)
            var record = try #require(try await harness.journal.auditRecords().first { $0.action == .runStarted })
            record.actor = "<script>alert(1)</script>"
            try await MemoryJournalTampering(harness.store).replace(record)
            let browser = WebBrowser(api: api)
            let page = try await browser.get("/audit?limit=500", cookie: try await browser.signIn(as: .viewer))
            #expect(page.code == 200, "\(page)")
            #expect(page.main.contains(#"<span class="status state-broken">broken</span>"#), "\(page.main)")
            #expect(page.problem?.hasPrefix("The chain breaks at record \(record.sequence)") == true, "\(page.problem ?? page.main)")
            #expect(page.main.contains("<td data-label=\"Actor\">&lt;script&gt;alert(1)&lt;/script&gt;</td>"))
            #expect(!page.main.contains("<script"))
        }
    }
}
