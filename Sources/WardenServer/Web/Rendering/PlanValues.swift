import WardenCore

/// A plan as the pages show it (`plan.mustache`): its hash and verdict, the
/// parameters (secrets as `<secret>`, as the plan holds them), the guards as
/// evaluated on the hosts, every step with each host's decision and exact
/// command, and cleanup. The run page shows the plan a run started on; the
/// start page the one a Start would send the hash of.
enum PlanValues {
    static func values(_ plan: Plan) -> [String: Any] {
        func step(_ step: PlannedStep) -> [String: Any] {
            ["number": step.number, "id": step.id, "kind": step.kind, "mutating": step.mutating, "status": step.status.rawValue,
             "summary": step.summary, "hasHosts": !step.hosts.isEmpty,
             // Hosts given the same decision and command are one row: fifty hosts restarting alike read as one line.
             "hosts": groups(step.hosts).map { group -> [String: Any] in
                 let host = group[0]
                 var values: [String: Any] = ["host": group.count == 1 ? host.host : "\(group.count) hosts: " + group.map(\.host).joined(separator: ", "),
                                              "status": host.status.rawValue]
                 // As the CLI shows them: an escape or a bidi override in a command is shown, never acted on or hidden.
                 if let command = host.command { values["command"] = VisibleText.block(command) }
                 if let undo = host.undo { values["undo"] = VisibleText.block(undo) }
                 if let reason = host.reason { values["hostReason"] = reason }
                 if let waits = host.waitsOn { values["waitsOn"] = waits }
                 // Who it runs as (`become`): part of what an approver approves.
                 if let runAs = host.runAs, host.status != .skipped { values["runAs"] = runAs }
                 return values
             }]
        }
        var values: [String: Any] = [
            "hash": plan.hash, "shortHash": String(plan.hash.prefix(19)), "verdict": plan.verdict.rawValue, "steps": plan.steps.map(step), "cleanup": plan.cleanup.map(step),
            "hasCleanup": !plan.cleanup.isEmpty, "changes": plan.changes,
            "parameters": plan.parameters.map { ["name": $0.name, "value": $0.value] }, "hasParameters": !plan.parameters.isEmpty,
            "targets": plan.targets.map { ["name": $0.name, "hosts": $0.hosts.joined(separator: ", ")] },
        ]
        values["guards"] = plan.guards.map { planned -> [String: Any] in
            var guardValues: [String: Any] = ["location": planned.location, "expect": planned.expect, "status": planned.status.rawValue,
                                              "details": planned.details.joined(separator: "; ")]
            // Absent rather than empty: a section over an empty string may still render.
            if let via = planned.via { guardValues["via"] = via }
            return guardValues
        }
        values["hasGuards"] = !plan.guards.isEmpty
        if let reason = plan.verdictReason { values["verdictReason"] = reason }
        if let limit = plan.limit { values["planLimit"] = limit }
        return values
    }

    /// `hosts` in runs of the same decision (status, command, undo, reason, what it waits on, who it runs as), in order.
    static func groups(_ hosts: [PlannedHost]) -> [[PlannedHost]] {
        func key(_ host: PlannedHost) -> [String?] { [host.status.rawValue, host.command, host.undo, host.reason, host.waitsOn, host.runAs] }
        var groups: [[PlannedHost]] = []
        for host in hosts {
            if let last = groups.last?.first, key(last) == key(host) {
                groups[groups.count - 1].append(host)
            } else {
                groups.append([host])
            }
        }
        return groups
    }
}
