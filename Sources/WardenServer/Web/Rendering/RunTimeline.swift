import Foundation
import WardenCore

/// The timeline picture of a run page, as geometry for `run-live.mustache`'s
/// inline SVG: one row per host (and a first row, `run`, for steps that ran
/// on no host: waits, approval gates), a bar per step on each host from the
/// moment its command left to its outcome, coloured by outcome (with the
/// outcome in the bar's tooltip too: colour is never the only sign), and the
/// maintenance window and its cleanup reserve as bands behind the bars. So
/// one glance shows where the time went and where it failed.
///
/// The template renders every text here escaped; classes come from a fixed set.
struct RunTimeline {
    struct Row { let label: String; let y: Double }
    struct Bar { let x: Double; let y: Double; let width: Double; let state: String; let title: String }
    struct Band { let x: Double; let width: Double; let kind: String; let title: String }
    struct Tick { let x: Double; let label: String; let anchor: String }

    let rows: [Row]
    let bars: [Bar]
    let bands: [Band]
    let ticks: [Tick]
    let height: Double

    static let width = 1000.0
    static let labelWidth = 130.0
    static let rowHeight = 22.0
    static let top = 4.0
    static let axis = 22.0
    /// The most bars drawn with a tooltip each.
    static let tooltipLimit = 150

    init(detail: RunDetail, now: Double) {
        let start = detail.run.startedAt
        let lastEvent = detail.steps.flatMap { [$0.endedAt, $0.startedAt] + $0.hosts.flatMap { [$0.endedAt, $0.startedAt] } }.compactMap { $0 }.max()
        let end = max(detail.run.finishedAt ?? max(now, lastEvent ?? now), start + 1)
        let span = end - start
        let plot = Self.width - Self.labelWidth - 8
        func x(_ t: Double) -> Double { Self.labelWidth + (min(max(t, start), end) - start) / span * plot }

        var hostOrder: [String] = []
        for step in detail.steps { for host in step.hosts where !hostOrder.contains(host.host) { hostOrder.append(host.host) } }
        let hostless = detail.steps.filter { $0.hosts.isEmpty && $0.startedAt != nil }
        let labels = (hostless.isEmpty ? [] : ["run"]) + hostOrder
        var rowOf: [String: Double] = [:]
        rows = labels.enumerated().map { index, label in
            let y = Self.top + Double(index) * Self.rowHeight
            rowOf[label] = y
            return Row(label: label, y: y)
        }
        height = Self.top + Double(max(labels.count, 1)) * Self.rowHeight + Self.axis

        var bars: [Bar] = []
        func bar(_ step: String, on row: String, status: String, exit: Int?, from: Double?, to: Double?) {
            guard let from, let y = rowOf[row] else { return }
            let until = to ?? end
            let state = RunPage.cellState(status)
            let outcome = status == "started" || status == "running" ? "running" : status + (exit.map { " (exit \($0))" } ?? "")
            bars.append(Bar(x: x(from), y: y + 3, width: max(2, x(until) - x(from)), state: state,
                            title: "\(step) \(row): \(outcome) \(WebTime.length(until - from))"))
        }
        for step in hostless { bar(step.id, on: "run", status: step.status, exit: nil, from: step.startedAt, to: step.endedAt) }
        for step in detail.steps {
            for host in step.hosts { bar(step.id, on: host.host, status: host.status, exit: host.exit, from: host.startedAt, to: host.endedAt) }
        }
        self.bars = bars

        var bands: [Band] = []
        if let window = detail.plan?.window {
            // A scheduled occurrence's window is known exactly; a runbook's daily window by the time it had left at the plan.
            let closes = window.closes ?? (window.openNow ? start + window.seconds : nil)
            let opens = window.opens ?? start
            if let closes {
                let reserveStart = closes - (window.cleanupReserve ?? 0)
                if reserveStart > opens, opens < end {
                    bands.append(Band(x: x(opens), width: max(0, x(min(reserveStart, end)) - x(opens)), kind: "window",
                                      title: "maintenance window \(window.between) \(window.timezone), closes \(WebTime.text(Date(timeIntervalSince1970: closes))) UTC"))
                }
                if reserveStart < end, let reserve = window.cleanupReserve, reserve > 0 {
                    bands.append(Band(x: x(reserveStart), width: max(2, x(closes) - x(reserveStart)), kind: "reserve",
                                      title: "cleanup reserve: the last \(WebTime.length(reserve)) of the window, where no step starts"))
                }
            }
        }
        self.bands = bands

        ticks = (0...4).map { index in
            let t = start + span * Double(index) / 4
            // The first label starts at its tick, the last ends at it, the others centre on theirs: none leaves the picture.
            return Tick(x: x(t), label: index == 0 ? "0s" : "+" + WebTime.length(t - start), anchor: index == 0 ? "start" : index == 4 ? "end" : "middle")
        }
    }

    /// The template's values; numbers written as short as they can be (`7`, `512.3`): a big run draws hundreds of bars.
    var values: [String: Any] {
        let n = Self.number
        return [
            "width": n(Self.width), "height": n(height), "axisY": n(height - Self.axis + 14), "labelX": n(Self.labelWidth - 6),
            "rows": rows.map { ["label": $0.label, "y": n($0.y + 15)] as [String: Any] },
            // Every row's rule in one path: a line element each would weigh more than the picture's bars.
            "rules": rows.map { "M0 \(n($0.y + Self.rowHeight))H\(n(Self.width))" }.joined(),
            // Bars grouped by state, the class on the group.
            "barGroups": Dictionary(grouping: bars, by: \.state).sorted { $0.key < $1.key }.map { state, bars in
                ["state": state, "bars": bars.map { bar -> [String: Any] in
                    // Past `tooltipLimit` bars the grid says each cell in words; tooltips would double a big run's page.
                    // `tip` is always set: a key a bar lacks would be looked up in the page around it (its title).
                    let tip = self.bars.count <= Self.tooltipLimit
                    var values: [String: Any] = ["x": n(bar.x), "y": n(bar.y), "width": n(bar.width), "tip": tip]
                    if tip { values["tipText"] = bar.title }
                    return values
                }] as [String: Any]
            },
            "barHeight": n(Self.rowHeight - 6),
            "bands": bands.map { ["x": n($0.x), "width": n($0.width), "height": n(height - Self.axis), "kind": $0.kind,
                                  "title": $0.title] as [String: Any] },
            "ticks": ticks.map { ["x": n($0.x), "label": $0.label, "anchor": $0.anchor] as [String: Any] },
            "hasRows": !rows.isEmpty,
        ]
    }

    /// `value` to a tenth, without a trailing `.0`.
    static func number(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return tenths % 10 == 0 ? String(tenths / 10) : String(format: "%.1f", Double(tenths) / 10)
    }
}
