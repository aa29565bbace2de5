import Foundation
import Testing
@testable import WardenCore
@testable import WardenServer

/// A plan's hosts as the pages show them: who a command runs as (`become`)
/// is shown, and hosts alike but for it are not folded into one row.
@Suite("Web plan: who a command runs as")
struct WebPlanRunAsTests {
    @Test func runAsIsShownAndSplitsOtherwiseEqualRows() throws {
        var plan = Plan(runbook: "restart", file: "restart.yaml", offline: false)
        var step = PlannedStep(number: 1, id: "restart", kind: "run", mutating: true, target: "db", location: "restart.yaml:5:5",
                               status: .willRun, summary: "runs on 3 hosts")
        for name in ["db-1", "db-2", "db-3"] {
            var host = PlannedHost(host: name, status: .willRun, command: "systemctl restart pegasus", undo: nil, reason: nil, waitsOn: nil)
            host.runAs = name == "db-3" ? nil : "pegasus via sudo"
            step.hosts.append(host)
        }
        plan.steps = [step]
        let rows = try #require((PlanValues.values(plan)["steps"] as? [[String: Any]])?.first?["hosts"] as? [[String: Any]])
        #expect(rows.count == 2, "\(rows)")
        #expect(rows.first?["host"] as? String == "2 hosts: db-1, db-2")
        #expect(rows.first?["runAs"] as? String == "pegasus via sudo")
        #expect(rows.last?["runAs"] == nil)
    }
}
