import Foundation
import Hummingbird
import WardenCore

/// `GET /approvals`: every run waiting at a gate now (the API's
/// `GET /approvals` list), each with what it will change, what differs from
/// the last plan of the same runbook (so an approver sees what is new rather
/// than re-reading everything), who may approve, and, for someone who may,
/// Approve and Deny with a comment; for someone who may not, why not. The
/// forms post to the run page's decision route.
enum ApprovalsPage {
    static func register(on router: Router<WardenRequestContext>, services: ServeServices) {
        router.get("approvals") { request, context -> Response in
            try await WebGate.page(request, context, services) { visitor in
                let waiting = await ApprovalRoutes.pending(in: services)
                var items: [[String: Any]] = []
                for pending in waiting {
                    items.append(await item(pending, visitor: visitor, services: services))
                }
                return WebPage.page(visitor, "approvals", title: "Approvals", ["items": items, "hasItems": !items.isEmpty], section: "/approvals")
            }
        }
    }

    private static func item(_ pending: PendingApproval, visitor: WebVisitor, services: ServeServices) async -> [String: Any] {
        let identity = visitor.session.identity
        let run = pending.run
        var values = GateValues.values(pending, for: identity)
        values.merge([
            "id": run.id, "path": WebLink.run(run.id), "runbook": run.runbook,
            "initiator": run.initiator, "trigger": run.trigger.rawValue, "started": WebTime.values(run.startedAt),
            "changes": pending.plan.steps.filter(\.mutating).map { step in
                ["id": step.id, "summary": step.summary,
                 "hosts": step.hosts.map { ["host": $0.host, "status": $0.status.rawValue, "command": $0.command.map(VisibleText.block) ?? "known when the run gets there"] }]
            },
        ] as [String: Any]) { _, new in new }
        if let previous = await previousPlan(before: run, services: services) {
            let comparison = PlanComparison(from: previous.plan, to: pending.plan)
            var since: [String: Any] = ["run": previous.run.id, "path": WebLink.run(previous.run.id),
                                        "status": previous.run.status.rawValue, "started": WebTime.values(previous.run.startedAt),
                                        "same": comparison.changes.isEmpty]
            since["changes"] = comparison.changes.map {
                ["subject": VisibleText.line($0.subject), "before": $0.before.map(VisibleText.block) ?? "(none)", "after": $0.after.map(VisibleText.block) ?? "(none)"]
            }
            values["since"] = since
        }
        return values
    }

    /// The newest earlier run of the same runbook (and inventory) that journaled a plan: "last time".
    private static func previousPlan(before run: JournalRun, services: ServeServices) async -> (run: JournalRun, plan: Plan)? {
        let query = RunQuery(runbook: run.runbook, after: RunQuery.Cursor(after: run), limit: 20)
        guard let earlier = try? await services.journal.runs(query) else { return nil }
        for candidate in earlier where candidate.inventory == run.inventory {
            guard let full = try? await services.journal.run(candidate.id), let text = full.plan,
                  let plan = try? JSONDecoder().decode(Plan.self, from: Data(text.utf8)) else { continue }
            return (full, plan)
        }
        return nil
    }
}
