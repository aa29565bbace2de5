import Foundation

/// The scheduler's state, folded from the journal's schedule events: which
/// schedules were seen since when, which are paused, and every occurrence
/// journaled. The daemon keeps one, applies each event it writes, and after
/// a restart rebuilds it by applying them all again; the API, the CLI and
/// the tests read the same fold.
public struct ScheduleBook: Sendable {
    /// A schedule an operator paused.
    public struct Pause: Sendable, Hashable {
        public var by: String
        public var reason: String
        public var at: Date
    }

    public private(set) var registered: [String: Date] = [:]
    public private(set) var pauses: [String: Pause] = [:]
    /// By schedule, by nominal start (seconds since 1970).
    private var occurrences: [String: [Double: OccurrenceRecord]] = [:]
    /// The last event applied.
    public private(set) var lastSequence = 0

    public init() {}

    /// Folds the events (oldest first).
    public init(_ events: [ScheduleEventEntry]) {
        for event in events { apply(event) }
    }

    public mutating func apply(_ event: ScheduleEventEntry) {
        lastSequence = max(lastSequence, event.sequence)
        let at = Date(timeIntervalSince1970: event.at)
        switch event.kind {
        case .registered:
            if registered[event.schedule] == nil { registered[event.schedule] = at }
        case .paused:
            pauses[event.schedule] = Pause(by: event.actor, reason: event.detail ?? "", at: at)
        case .resumed:
            pauses[event.schedule] = nil
        default:
            guard let start = event.occurrence else { return }
            var record = occurrences[event.schedule]?[start] ?? OccurrenceRecord(schedule: event.schedule, start: Date(timeIntervalSince1970: start), at: at)
            record.apply(event)
            occurrences[event.schedule, default: [:]][start] = record
        }
    }

    public func occurrence(_ schedule: String, at start: Date) -> OccurrenceRecord? {
        occurrences[schedule]?[start.timeIntervalSince1970]
    }

    /// The schedule's journaled occurrences, oldest first.
    public func occurrences(of schedule: String) -> [OccurrenceRecord] {
        (occurrences[schedule] ?? [:]).values.sorted { $0.start < $1.start }
    }

    /// The latest journaled occurrence's start: occurrences up to it are accounted for.
    public func latestStart(of schedule: String) -> Date? {
        occurrences[schedule]?.keys.max().map { Date(timeIntervalSince1970: $0) }
    }

    /// Occurrences still waiting for their outcome, oldest first.
    public func openOccurrences(of schedule: String) -> [OccurrenceRecord] {
        occurrences(of: schedule).filter(\.isOpen)
    }

    /// The most recent occurrence that ended, and how.
    public func lastEnded(of schedule: String) -> OccurrenceRecord? {
        occurrences(of: schedule).last { !$0.isOpen }
    }

    /// Runs the schedule started, newest first (their status is the journal's).
    public func runs(of schedule: String) -> [String] {
        occurrences(of: schedule).reversed().compactMap(\.run)
    }
}
