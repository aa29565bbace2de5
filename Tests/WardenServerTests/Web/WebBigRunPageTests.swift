import Foundation
import Testing
@testable import WardenCore
@testable import WardenServer

/// The run page of a big run (50 hosts, 10 steps, from its journal events): its whole weight with the
/// stylesheet and the script stays under 100 KB, and its timeline draws every bar without borrowing
/// text from the page around it.
@Suite("Web run page of a big run")
struct WebBigRunPageTests {
    @Test func fiftyHostsByTenStepsWeighUnder100KBWithEveryBarDrawn() async throws {
        let start = 1_750_000_000.0
        var plan = Plan(runbook: "bench-grid", file: "/b.yaml", offline: false)
        plan.hash = "sha256:" + String(repeating: "a", count: 64)
        let hosts = (1...50).map { String(format: "g%02d", $0) }
        plan.targets = [PlanTarget(name: "grid", hosts: hosts)]
        plan.steps = (1...10).map { k in PlannedStep(number: k, id: "step\(k)", kind: "run", mutating: true, target: "grid", location: "b.yaml:\(k):5", status: .willRun,
                                                   summary: "run on 50 hosts", hosts: hosts.map { PlannedHost(host: $0, status: .willRun, command: "true") }) }
        let planText = String(decoding: try JSONEncoder().encode(plan), as: UTF8.self)
        let run = JournalRun(id: "r1", runbook: "bench-grid", file: "/b.yaml", initiator: "bench", controller: "c:1", planHash: plan.hash, parameters: "{}",
                             status: .ended(.succeeded), startedAt: Date(timeIntervalSince1970: start), finishedAt: Date(timeIntervalSince1970: start + 5), plan: planText)
        var events: [JournalEvent] = []
        var seq = 0
        func add(_ kind: JournalEvent.Kind, step: String?, host: String?, command: String? = nil, status: StepStatus? = nil, exit: Int? = nil, detail: String? = nil, at: Double) {
            seq += 1
            events.append(JournalEvent(runID: "r1", sequence: seq, at: at, kind: kind, step: step, host: host, command: command, status: status, exit: exit, detail: detail, previousHash: "", hash: ""))
        }
        for k in 1...10 {
            let t = start + Double(k) * 0.4
            add(.stepStarted, step: "step\(k)", host: nil, detail: "mutating", at: t)
            for h in hosts { add(.intent, step: "step\(k)", host: h, command: "true", at: t + 0.01) }
            for h in hosts { add(.outcome, step: "step\(k)", host: h, command: "true", status: .ok, exit: 0, detail: #"{"record":{"exit":0,"stdout":"","stderr":""}}"#, at: t + 0.2) }
            add(.stepFinished, step: "step\(k)", host: nil, status: .ok, detail: "50 ok", at: t + 0.3)
        }
        let detail = RunDetail(run: run, events: events, approvals: [], locks: [])
        let session = WebSession(id: "x", identity: Identity(name: "v", roles: [.viewer], proof: .token(name: "v")), tokenDigest: nil, csrf: "c", expires: Date())
        let inputs = RunPage.Inputs(detail: detail, events: events, pending: nil, visitor: WebVisitor(session: session, isNew: false), now: start + 10)
        let html = try WebTemplates.render("run", WebPage.visible(RunPage.values(inputs).merging(["title": "bench-grid r1"]) { $1 }) as? [String: Any] ?? [:])
        let statics = WebTemplates.staticFiles.values.reduce(0) { $0 + $1.data.count }
        #expect(html.utf8.count + statics < 100 * 1024, "page \(html.utf8.count) bytes + stylesheet and script \(statics)")
        let svgStart = try #require(html.range(of: "<svg class=\"timeline\""))
        let svgEnd = try #require(html.range(of: "</svg>", range: svgStart.upperBound..<html.endIndex))
        let svg = String(html[svgStart.lowerBound..<svgEnd.upperBound])
        #expect(svg.components(separatedBy: "<rect x=").count - 1 == 500, "a bar per host and step")
        #expect(!svg.contains("<title>"), "no tooltip of its own, and none borrowed from the page's title")
        #expect(html.contains(#"<td class="cell cell-ok">ok</td>"#))
    }
}
