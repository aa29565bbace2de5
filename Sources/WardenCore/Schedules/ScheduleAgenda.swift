import Foundation

/// The scheduler's one decision, with no clock, network or journal of its
/// own: given a schedule, what the journal says of it (`ScheduleBook`) and
/// the time, which occurrences are due, missed, to be planned ahead or past
/// their last useful start, and when to look again. The daemon acts on the
/// answer and journals what it did; tests drive it with any instants.
///
/// Catch-up: an occurrence may still start until `start + catchup` (the
/// config's `catchup`, by default the window less the runbook's cleanup
/// reserve). Of the occurrences a daemon finds due at once (it was down), all
/// but the latest are missed, and the latest starts only within its catchup:
/// never more than one missed occurrence per schedule is started.
public enum ScheduleAgenda {
    /// At most this many due occurrences are accounted for in one pass (the rest in the next).
    static let pageSize = 1000

    public static func actions(for schedule: Schedule, book: ScheduleBook, now: Date, daemonStarted: Date)
        -> (actions: [ScheduleAction], wake: Date?) {
        guard let registered = book.registered[schedule.id] else {
            return ([.register], now)
        }
        var actions: [ScheduleAction] = []
        var wake: Date?
        func wakeAt(_ date: Date) { wake = min(wake ?? date, date) }
        let catchup = (schedule.catchup ?? schedule.duration).timeInterval

        // Occurrences already journaled and still open: due again, or past their last useful start.
        for record in book.openOccurrences(of: schedule.id) {
            let deadline = record.start.addingTimeInterval(catchup)
            if now >= deadline {
                actions.append(.expire(record.start))
            } else if now >= record.start {
                actions.append(.fire(record.start))
                wakeAt(deadline)
            } else {
                wakeAt(record.start)
            }
        }

        // Occurrences that came due since the last one journaled (or since the schedule was first seen).
        let cursor = max(registered, book.latestStart(of: schedule.id) ?? registered)
        let due = schedule.occurrences.next(pageSize, after: cursor).filter { $0.start <= now }
        for (index, occurrence) in due.enumerated() {
            let deadline = occurrence.start.addingTimeInterval(catchup)
            if index < due.count - 1 {
                actions.append(.end(occurrence.start, .missed(
                    "\(downText(occurrence.start, daemonStarted))a later occurrence (\(OccurrenceRecord.text(due[due.count - 1].start))) was due as well, "
                        + "and only the latest missed occurrence may start late")))
            } else if now >= deadline {
                actions.append(.end(occurrence.start, .missed(
                    "\(downText(occurrence.start, daemonStarted))its catchup of \(DurationText.format(schedule.catchup ?? schedule.duration)) "
                        + "ended at \(OccurrenceRecord.text(deadline))")))
            } else {
                actions.append(.fire(occurrence.start))
                wakeAt(deadline)
            }
        }
        if due.count == pageSize { wakeAt(now) }

        // The next occurrence: when it starts, and when it is planned ahead.
        if let next = schedule.occurrences.next(after: max(now, cursor)) {
            wakeAt(next.start)
            if let ahead = schedule.approveAhead {
                let planAt = next.start.addingTimeInterval(-ahead.timeInterval)
                if now >= planAt {
                    if book.occurrence(schedule.id, at: next.start)?.planned == nil { actions.append(.planAhead(next.start)) }
                } else {
                    wakeAt(planAt)
                }
            }
        }
        return (actions, wake)
    }

    private static func downText(_ start: Date, _ daemonStarted: Date) -> String {
        start < daemonStarted ? "no daemon was running at its start (this one started at \(OccurrenceRecord.text(daemonStarted))); " : ""
    }
}
