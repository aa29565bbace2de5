import Foundation
import WardenCore

/// `GET /runs/{id}`: one run as the people around it need it. The plan as
/// the approvers saw it (every step, the exact command per host, will-run,
/// skip or unknown, and the hash approvals bind to), a grid of hosts × steps
/// with each cell's state, the timeline picture, the approvals with who,
/// when, why and on which plan hash, deadmen, locks, collected files, what
/// each host printed (colours from an allowlist, cut with a download link)
/// and the journal as lines. The live part (`run-live.mustache`) is also
/// served alone at `/runs/{id}/live`, which the page's script fetches when
/// the run's event stream says something happened.
///
/// Everything here is data from the journal: the templates render it escaped.
enum RunPage {
    /// How many journal lines the page shows (the newest); the whole journal is a download.
    static let journalLines = 60
    /// How much of one host's output a page shows before it links to the rest.
    static let outputBytes = 8 * 1024

    /// What a page needs to show run `detail` to `visitor`.
    struct Inputs {
        let detail: RunDetail
        let events: [JournalEvent]
        /// The gate the run waits at, when it does.
        let pending: PendingApproval?
        let visitor: WebVisitor
        let now: Double
        /// A refusal to show above the live part (a cancel or decision that did not go through).
        var problem: String?
    }

    /// The CSS class and grid word of a host's step status: from a fixed set, whatever the journal holds.
    static func cellState(_ status: String) -> String {
        switch status {
        case "ok": "ok"
        case "failed": "failed"
        case "skipped": "skipped"
        case "not-run": "not-run"
        case "started", "running": "running"
        default: "unknown"
        }
    }

    static func values(_ inputs: Inputs) -> [String: Any] {
        let detail = inputs.detail
        let run = detail.run
        let identity = inputs.visitor.session.identity
        let ended: Bool = if case .ended = run.status { true } else { false }
        let path = WebLink.run(run.id)
        var values: [String: Any] = [
            "id": run.id, "path": path, "runbook": run.runbook, "status": run.status.rawValue,
            "statusClass": run.status.rawValue, "initiator": run.initiator, "trigger": run.trigger.rawValue,
            "parameters": run.parameters, "planHash": run.planHash, "inventory": run.inventory ?? "",
            "started": WebTime.values(run.startedAt), "final": ended,
            "mayCancel": !ended && identity.may(.cancelRun),
            "grid": grid(detail, now: inputs.now),
            "timeline": RunTimeline(detail: detail, now: inputs.now).values,
            "approvals": detail.approvals.map(approval),
            "hasApprovals": !detail.approvals.isEmpty,
            "deadmen": detail.deadmen.map(deadman), "hasDeadmen": !detail.deadmen.isEmpty,
            // A section's key is left out when empty: to a template "" and 0 are something (only false, nil and [] are not).
            "locks": detail.locks.map { lock in
                var values: [String: Any] = ["name": lock.name, "holder": lock.holder, "since": WebTime.values(lock.acquiredAt)]
                if let host = lock.host, !host.isEmpty { values["lockHost"] = host }
                return values
            },
            "hasLocks": !detail.locks.isEmpty,
            "artifacts": detail.artifacts.enumerated().map { index, file in
                ["step": file.step, "host": file.host, "path": file.path, "bytes": file.bytes, "sha256": file.sha256,
                 "href": "\(path)/artifacts/\(index)"] as [String: Any]
            },
            "hasArtifacts": !detail.artifacts.isEmpty,
            "outputs": outputs(inputs.events, path: path),
            "journal": journal(inputs.events),
            "journalHref": "\(path)/journal.txt",
            "controllerGone": detail.controllerGone,
        ]
        if let finished = run.finishedAt {
            values["finished"] = WebTime.values(finished)
            values["took"] = WebTime.length(finished - run.startedAt)
        }
        if inputs.events.count > journalLines { values["journalCut"] = inputs.events.count - journalLines }
        if let reason = run.reason { values["reason"] = reason }
        if let problem = inputs.problem { values["problem"] = problem }
        if let plan = detail.plan { values["plan"] = PlanValues.values(plan) }
        if let pending = inputs.pending { values["waiting"] = GateValues.values(pending, for: identity) }
        return values
    }

    /// Hosts × steps: each cell says its state in words (and exit code, or elapsed time while running).
    private static func grid(_ detail: RunDetail, now: Double) -> [String: Any] {
        let steps = detail.steps.filter { !$0.hosts.isEmpty }
        var hosts: [String] = []
        for step in steps { for host in step.hosts where !hosts.contains(host.host) { hosts.append(host.host) } }
        // Hosts the plan targets but no step reached yet are rows too, so the grid shows the whole run from its start.
        for target in detail.plan?.targets ?? [] { for host in target.hosts where !hosts.contains(host) { hosts.append(host) } }
        let planned = detail.plan.map { ($0.steps + $0.cleanup).map(\.id) } ?? []
        let columns = steps.map(\.id) + planned.filter { id in !steps.contains { $0.id == id } && detail.plan?.steps.first { $0.id == id }?.hosts.isEmpty == false }
        let byStep = Dictionary(steps.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let rows: [[String: Any]] = hosts.map { host in
            let cells: [[String: Any]] = columns.map { column in
                guard let step = byStep[column], let cell = step.hosts.first(where: { $0.host == host }) else {
                    return ["state": "pending", "text": "pending"]
                }
                let state = cellState(cell.status)
                var text = state == "running" ? "running" : cell.status
                if state == "running", let started = cell.startedAt { text += " " + WebTime.length(now - started) }
                // An exit code other than 0 is news; `ok` says 0 already.
                if let exit = cell.exit, state != "running", exit != 0 || state != "ok" { text += " (exit \(exit))" }
                var values: [String: Any] = ["state": state, "text": text]
                // Named apart from the run's own `reason` and `took`: a template looks a missing key up in the page around it.
                if let reason = cell.reason { values["cellReason"] = reason }
                return values
            }
            return ["host": host, "cells": cells]
        }
        return ["columns": columns.map { ["id": $0, "status": byStep[$0]?.status ?? "pending"] as [String: Any] }, "rows": rows,
                "hasRows": !rows.isEmpty]
    }

    private static func approval(_ approval: Approval) -> [String: Any] {
        var values: [String: Any] = [
            "approver": approval.approver, "decision": approval.decision.rawValue, "step": approval.step,
            "at": WebTime.values(approval.at), "planHash": approval.planHash, "signed": approval.signature != nil,
        ]
        if let comment = approval.comment { values["comment"] = comment }
        return values
    }

    private static func deadman(_ deadman: RunDetail.Deadman) -> [String: Any] {
        var values: [String: Any] = ["step": deadman.step ?? "", "host": deadman.host ?? "", "state": deadman.state]
        if let at = deadman.firesAt, at > 0 { values["firesAt"] = WebTime.values(at) }
        return values
    }

    /// What each host printed, per step: the outcome records' stdout and stderr (already redacted by the journal).
    private static func outputs(_ events: [JournalEvent], path: String) -> [[String: Any]] {
        events.filter { $0.kind == .outcome && $0.host != nil }.compactMap { event -> [String: Any]? in
            guard let record = event.outcomeRecord else { return nil }
            let streams: [[String: Any]] = ["stdout", "stderr"].compactMap { name in
                guard case let .string(text)? = record[name], !text.isEmpty else { return nil }
                let cut = text.utf8.count > outputBytes
                let shown = cut ? String(decoding: text.utf8.prefix(outputBytes), as: UTF8.self) : text
                var values: [String: Any] = ["name": name, "segments": TerminalText.segments(shown).map { ["text": $0.text, "classes": $0.classes] }]
                if cut {
                    values["cutBytes"] = text.utf8.count - outputBytes
                    values["href"] = "\(path)/output/\(event.sequence)/\(name)"
                }
                return values
            }
            guard !streams.isEmpty else { return nil }
            return ["step": event.step ?? "", "host": event.host ?? "", "state": cellState(event.status?.rawValue ?? ""),
                    "status": event.status?.rawValue ?? "", "streams": streams]
        }
    }

    /// The journal's newest lines, oldest first, each with its time, kind, step, host and what it says.
    private static func journal(_ events: [JournalEvent]) -> [[String: Any]] {
        events.suffix(journalLines).map { event in
            var values: [String: Any] = ["sequence": event.sequence, "at": WebTime.values(event.at), "kind": event.kind.rawValue,
                                         "text": JournalLine.text(event)]
            if let step = event.step { values["step"] = step }
            if let host = event.host { values["host"] = host }
            return values
        }
    }
}
