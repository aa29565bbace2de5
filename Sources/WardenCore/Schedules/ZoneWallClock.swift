import Foundation

/// Maps local wall-clock times of one zone to instants, with the schedule
/// rules for DST: a time inside a spring-forward gap becomes the first instant
/// after the gap; a time a fall-back repeats becomes its first instant.
///
/// It asks the zone only `secondsFromGMT(for:)` and checks each answer, rather
/// than trusting `Calendar.date(from:)`, whose choice in gaps and repeats is
/// not documented and not the one wanted here: on Linux (Swift 6) it puts
/// 02:30 of Berlin's spring-forward day at 03:30 (the gap's length later), not
/// at 03:00, the first instant after the gap.
struct ZoneWallClock: Sendable {
    let timeZone: TimeZone

    /// The instant for `minuteOfDay` on local day `dayNumber` (days since 1970-01-01).
    func resolve(dayNumber: Int, minuteOfDay: Int) -> ScheduleOccurrence {
        // Seconds since 1970-01-01T00:00 of the local reading, as if it were UTC.
        let local = dayNumber * 86_400 + minuteOfDay * 60
        // The offsets around it; a day either side brackets any instant the
        // reading can be (offsets stay within -12h...+14h).
        let candidates = Set([offset(at: local - 86_400), offset(at: local), offset(at: local + 86_400)])
        let valid = candidates.filter { offset(at: local - $0) == $0 }.map { local - $0 }.sorted()
        if let first = valid.first {
            return ScheduleOccurrence(start: date(first), ambiguous: valid.count > 1)
        }
        // A gap: before it the reading is past `local - largest`, after it before
        // `local - smallest`; the transition lies between. Find its first second.
        let smallest = candidates.min() ?? 0
        let largest = candidates.max() ?? 0
        var before = local - largest
        var after = local - smallest
        let offsetBefore = offset(at: before)
        guard offset(at: after) != offsetBefore else {
            return ScheduleOccurrence(start: date(after), shiftedByGap: true)
        }
        while after - before > 1 {
            let middle = before + (after - before) / 2
            if offset(at: middle) == offsetBefore { before = middle } else { after = middle }
        }
        return ScheduleOccurrence(start: date(after), shiftedByGap: true)
    }

    /// The local day that holds the instant, as days since 1970-01-01.
    func dayNumber(of instant: Date) -> Int {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down))
        let local = seconds + offset(at: seconds)
        return local >= 0 ? local / 86_400 : -((-local + 86_399) / 86_400)
    }

    private func offset(at seconds: Int) -> Int {
        timeZone.secondsFromGMT(for: date(seconds))
    }

    private func date(_ seconds: Int) -> Date {
        Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}
