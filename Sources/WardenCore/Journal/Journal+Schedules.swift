import Foundation

extension Journal {
    /// Journals one schedule event (numbered after the last one) with its audit record, in one
    /// durable write. Throws `.alreadyClaimed` when it is a `firing` or an `outcome` its
    /// occurrence already has: then nothing was written.
    @discardableResult
    public func appendScheduleEvent(_ draft: ScheduleEventDraft, at date: Date) async throws(JournalError) -> ScheduleEventEntry {
        let entries = try await appendScheduleEvents([draft], at: date)
        guard let entry = entries.first else { throw JournalError(.cannotWrite, "the journal \(path) did not return the schedule event it appended") }
        return entry
    }

    /// Journals several schedule events, numbered in order, each with its audit record, in one
    /// durable write: all of them or, when one cannot be written (a `firing` or `outcome` its
    /// occurrence already has: `.alreadyClaimed`), none. A scheduler writes an occurrence's
    /// `firing` with what goes with it, so a claim is never half made.
    public func appendScheduleEvents(_ drafts: [ScheduleEventDraft], at date: Date) async throws(JournalError) -> [ScheduleEventEntry] {
        let actor = self.actor
        return try await store.write { writer in
            var next = (try writer.lastScheduleEvent()?.sequence ?? 0) + 1
            var entries: [ScheduleEventEntry] = []
            for draft in drafts {
                let entry = ScheduleEventEntry(sequence: next, at: date.timeIntervalSince1970, schedule: draft.schedule, occurrence: draft.occurrence,
                                               kind: draft.kind, actor: draft.actor, run: draft.run, planHash: draft.planHash, detail: draft.detail)
                try writer.insert(entry)
                try Journal.audit(.init(action: .scheduleEvent, status: entry.kind.rawValue, summary: entry.auditSummary, digest: entry.digest),
                                  actor: actor, at: date, in: writer)
                entries.append(entry)
                next += 1
            }
            return entries
        }
    }

    /// Schedule events from `sequence` on, oldest first, at most `limit`.
    public func scheduleEvents(from sequence: Int = 1, limit: Int = .max) async throws(JournalError) -> [ScheduleEventEntry] {
        try await store.read { reader in try reader.scheduleEvents(from: sequence, limit: limit) }
    }

    /// The events of one occurrence of `schedule` (nominal start `occurrence`, UTC seconds since
    /// 1970), or all of the schedule's when `occurrence` is nil; oldest first.
    public func scheduleEvents(schedule: String, occurrence: Double? = nil) async throws(JournalError) -> [ScheduleEventEntry] {
        try await store.read { reader in try reader.scheduleEvents(schedule: schedule, occurrence: occurrence) }
    }

    /// The schedule events against the audit log's `schedule-event` records, in order: the same
    /// number, each with its record's digest.
    static func scheduleBreak(in reader: any JournalReader, records: [AuditRecord]) throws -> AuditBreak? {
        let events = try reader.scheduleEvents(from: 1, limit: .max).map { ($0.sequence, $0.digest) }
        return rowBreak(events, records.filter { $0.action == .scheduleEvent }, family: "schedule", kind: "event")
    }
}

extension ScheduleEventEntry {
    /// `schedule nightly occurrence 2026-12-04T01:00:00Z: firing by warden run R`: what the audit
    /// log shows of the event, on one line (schedule, actor and run names are escaped).
    var auditSummary: String {
        let occurrence = occurrence.map { " occurrence \(ScheduleEventEntry.occurrenceText($0))" } ?? ""
        return VisibleText.line("schedule \(schedule)\(occurrence): \(kind.rawValue) by \(actor)" + (run.map { " run \($0)" } ?? ""))
    }
}
