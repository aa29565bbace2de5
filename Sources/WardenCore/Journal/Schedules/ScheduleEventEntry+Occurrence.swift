import Foundation

extension ScheduleEventEntry {
    /// An occurrence's nominal start as messages and audit summaries show it,
    /// ISO-8601 in UTC to the whole second (`2026-12-04T01:00:00Z`): the same
    /// text whatever the local time zone of whoever reads it, and no fraction
    /// that a schedule's whole-second occurrences never have.
    public static func occurrenceText(_ seconds: Double) -> String {
        OccurrenceRecord.text(Date(timeIntervalSince1970: seconds))
    }

    /// `nightly@2026-12-04T01:00:00Z`, or the schedule alone for an event about the schedule itself.
    var occurrenceName: String {
        occurrence.map { "\(schedule)@\(ScheduleEventEntry.occurrenceText($0))" } ?? schedule
    }

    /// The error for appending `self` when `holder` already made the same claim
    /// on its occurrence: every store words it alike, so a scheduler (or an
    /// operator reading its log) learns who holds the claim whatever the store.
    public func alreadyClaimed(by holder: ScheduleEventEntry) -> JournalError {
        JournalError(.alreadyClaimed, "occurrence \(occurrenceName) already has a \(kind.rawValue) event (sequence \(holder.sequence)): "
                     + "nothing of this write was kept")
    }

    /// Whether `other` is an earlier claim of the same kind on the same occurrence, which `self` may not repeat.
    /// An event without an occurrence claims nothing, as SQL's NULLs in a unique index never collide.
    func isClaimed(by other: ScheduleEventEntry) -> Bool {
        kind.claimsOccurrence && occurrence != nil && other.kind == kind && other.schedule == schedule && other.occurrence == occurrence
    }
}

extension ScheduleEventEntry.Kind {
    /// The kinds an occurrence may have once: one `firing` (so it never runs twice,
    /// across restarts and controllers) and one `outcome` (so it ends once).
    public var claimsOccurrence: Bool {
        self == .firing || self == .outcome
    }
}
