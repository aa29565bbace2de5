import Foundation

/// One occurrence as its journaled events tell it: planned (and with which
/// hash), who approved or denied, whether it fired, its run, what it waits
/// for, and how it ended.
public struct OccurrenceRecord: Sendable {
    public let schedule: String
    /// The nominal start: with the schedule's id, the occurrence's identity.
    public let start: Date
    /// The latest plan's event (ahead, or again when the plan changed), without its detail: see `plan`.
    public private(set) var planned: ScheduleEventEntry?
    /// Approvals and denials, oldest first (of any plan: each binds to its own hash).
    public private(set) var decisions: [ScheduleEventEntry] = []
    /// When its `firing` claim was journaled.
    public private(set) var firingAt: Date?
    /// The controller that made the claim (`hostname:pid`), for claims made since controllers share
    /// journals; nil for older ones.
    public private(set) var firingBy: String?
    public private(set) var run: String?
    /// What it waits for, while it waits (the latest `held` event's reason).
    public private(set) var held: String?
    public private(set) var outcome: ScheduleOutcome?
    public private(set) var endedAt: Date?
    /// When its first event was journaled.
    public private(set) var firstSeen: Date

    init(schedule: String, start: Date, at: Date) {
        self.schedule = schedule
        self.start = start
        firstSeen = at
    }

    /// `SCHEDULE@2026-12-04T01:00:00Z`: how people and URLs name it.
    public var id: String { "\(schedule)@\(Self.text(start))" }

    /// Whether it still waits for its outcome.
    public var isOpen: Bool { outcome == nil }

    /// The hash of the plan approvals bind to now; nil before it was planned.
    public var planHash: String? { planned?.planHash }

    /// The latest plan's content, decoded once when its event is applied (nil if it does not decode).
    public private(set) var plan: OccurrencePlan?

    mutating func apply(_ event: ScheduleEventEntry) {
        let at = Date(timeIntervalSince1970: event.at)
        switch event.kind {
        case .planned:
            // Decoded here, once: views, gates and every look of the scheduler read it. The event is kept
            // without its detail (the plan's JSON), which would only hold the same plan twice.
            plan = event.detail.flatMap { try? JSONDecoder().decode(OccurrencePlan.self, from: Data($0.utf8)) }
            var kept = event
            kept.detail = nil
            planned = kept
            held = nil
        case .approved, .denied: decisions.append(event)
        case .firing:
            firingAt = at
            firingBy = event.detail
        case .started: run = event.run
        case .held: held = event.detail
        case .outcome:
            outcome = ScheduleOutcome(detail: event.detail ?? "", run: event.run ?? run) ?? .startFailed(event.detail ?? "")
            endedAt = at
            if run == nil { run = outcome?.run }
            held = nil
        case .registered, .paused, .resumed: break
        }
    }

    /// The approvals and denials of the current plan as the gates read decisions.
    public func approvals(step: String) -> [Approval] {
        decisions.map { event in
            Approval(runID: id, step: step, approver: event.actor, decision: event.kind == .denied ? .deny : .approve, comment: event.detail,
                     planHash: event.planHash ?? "", at: Date(timeIntervalSince1970: event.at))
        }
    }

    /// Each gate of the current plan under its terms (`policy` tightens them again, as for any
    /// approval). Empty when it was not planned ahead.
    public func gateStates(policy: ApprovalPolicy, runbook: String) -> [(gate: OccurrencePlan.Gate, state: GateState)] {
        guard let plan, let hash = planHash else { return [] }
        return plan.gates.map { gate in
            let terms = policy.tighten(gate.terms, runbook: runbook)
            return (gate, terms.state(of: approvals(step: gate.step), planHash: hash, initiator: plan.owner))
        }
    }

    /// 0000-01-01T00:00:00Z to 9999-12-31T23:59:59Z, in seconds since 1970.
    static let secondsRange = -62_167_219_200...253_402_300_799

    /// ISO-8601 UTC, whole seconds: `AlertTimestamp`'s canonical RFC 3339 form, which names every
    /// instant the journal keeps alike.
    public static func text(_ date: Date) -> String {
        AlertTimestamp(seconds: Int64(date.timeIntervalSince1970.rounded(.down))).description
    }

    /// Reads `2026-12-04T01:00:00Z` (or whole seconds since 1970); nil for anything else.
    public static func date(_ text: String) -> Date? {
        // Seconds only within the years the RFC 3339 form can name (0000 to 9999): a path's
        // 9223372036854775807 would otherwise overflow the calendar arithmetic that names it.
        if let seconds = Int(text) { return secondsRange.contains(seconds) ? Date(timeIntervalSince1970: Double(seconds)) : nil }
        // Only the canonical form `text` writes (no offset, no fraction): one spelling per occurrence.
        guard let timestamp = AlertTimestamp.parse(text), timestamp.nanoseconds == 0, timestamp.description == text else { return nil }
        return timestamp.date
    }
}
