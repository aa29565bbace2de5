import Foundation

extension Journal {
    /// Journals an alert input (numbered after the last one) with its audit record, in one
    /// durable write, before anything is decided about it.
    @discardableResult
    public func appendAlertInput(_ kind: AlertInputEntry.Kind, source: String, body: [UInt8]? = nil, run: String? = nil,
                                 incident: String? = nil, detail: String? = nil, at date: Date) async throws(JournalError) -> AlertInputEntry {
        let entries = try await appendAlertInputs([AlertInputDraft(kind: kind, source: source, body: body, run: run, incident: incident, detail: detail)],
                                                  at: date)
        guard let entry = entries.first else { throw JournalError(.cannotWrite, "the journal \(path) did not return the alert input it appended") }
        return entry
    }

    /// Journals several alert inputs, numbered in order, in one durable write (the receiver's group
    /// commit: deliveries that arrive together cost one sync to disk).
    public func appendAlertInputs(_ drafts: [AlertInputDraft], at date: Date) async throws(JournalError) -> [AlertInputEntry] {
        let actor = self.actor
        return try await store.writeAhead { writer in
            var next = (try writer.lastAlertInput()?.sequence ?? 0) + 1
            var entries: [AlertInputEntry] = []
            for draft in drafts {
                let entry = AlertInputEntry(sequence: next, at: date.timeIntervalSince1970, kind: draft.kind, source: draft.source, body: draft.body,
                                            run: draft.run, incident: draft.incident, detail: draft.detail)
                try writer.insert(entry)
                let what = [draft.run.map { "run \($0)" }, draft.incident.map { "incident \($0)" }, draft.body.map { "\($0.count) bytes" }].compactMap { $0 }
                try Journal.audit(.init(action: .alertInput, status: draft.kind.rawValue,
                                        summary: VisibleText.line("alert input \(entry.sequence) (\(draft.kind.rawValue)) from \(draft.source)"
                                            + (what.isEmpty ? "" : ": " + what.joined(separator: ", "))),
                                        digest: entry.digest),
                                  actor: actor, at: date, in: writer)
                entries.append(entry)
                next += 1
            }
            return entries
        }
    }

    /// Writes the decisions about input `input` (each with its audit record) and marks the input
    /// decided, in one durable write: an input is decided once, with all of its decisions, or not at all.
    @discardableResult
    public func recordAlertDecisions(_ decisions: [AlertDecision], for input: Int, at date: Date) async throws(JournalError) -> [AlertDecisionEntry] {
        try await recordAlertDecisions([(input, decisions)], at: date)
    }

    /// Decisions about several inputs, in one durable write (one sync to disk for a burst of deliveries).
    @discardableResult
    public func recordAlertDecisions(_ batch: [(input: Int, decisions: [AlertDecision])], at date: Date) async throws(JournalError) -> [AlertDecisionEntry] {
        let actor = self.actor
        let batch = batch.map { AlertDecisionBatchItem(input: $0.input, decisions: $0.decisions) }
        return try await store.write { writer in
            var next = (try writer.lastAlertDecision()?.sequence ?? 0) + 1
            var entries: [AlertDecisionEntry] = []
            for item in batch {
                // Several controllers on one journal each decide every input in order; the first to
                // record an input's decisions wins (this throws `alreadyDecided` for the others, which
                // follow its decisions instead of deciding twice).
                try writer.markDecided(alertInput: item.input, at: date.timeIntervalSince1970)
                for decision in item.decisions {
                    let entry = AlertDecisionEntry(sequence: next, input: item.input, at: date.timeIntervalSince1970, kind: decision.kind,
                                                   rule: decision.rule, key: decision.incidentKey?.description, incident: decision.incident,
                                                   run: decision.run, summary: decision.description)
                    try writer.insert(entry)
                    try Journal.audit(.init(action: .alertDecision, status: entry.kind, summary: entry.summary, digest: entry.digest),
                                      actor: actor, at: date, in: writer)
                    entries.append(entry)
                    next += 1
                }
            }
            return entries
        }
    }

    /// Alert inputs from `sequence` on, oldest first, at most `limit`.
    public func alertInputs(from sequence: Int = 1, limit: Int = .max) async throws(JournalError) -> [AlertInputEntry] {
        try await store.read { reader in try reader.alertInputs(from: sequence, limit: limit) }
    }

    /// Alert decisions from `sequence` on, oldest first, at most `limit`.
    public func alertDecisions(from sequence: Int = 1, limit: Int = .max) async throws(JournalError) -> [AlertDecisionEntry] {
        try await store.read { reader in try reader.alertDecisions(from: sequence, limit: limit) }
    }

    /// The alert inputs and decisions against the audit log's `alert-input` and `alert-decision`
    /// records, in order: the same number, each with its record's digest.
    static func alertBreak(in reader: any JournalReader, records: [AuditRecord]) throws -> AuditBreak? {
        let inputs = try reader.alertInputs(from: 1, limit: .max).map { ($0.sequence, $0.digest) }
        let decisions = try reader.alertDecisions(from: 1, limit: .max).map { ($0.sequence, $0.digest) }
        return rowBreak(inputs, records.filter { $0.action == .alertInput }, family: "alert", kind: "input")
            ?? rowBreak(decisions, records.filter { $0.action == .alertDecision }, family: "alert", kind: "decision")
    }
}

/// One input's decisions in a batch (a tuple is not Sendable into a store's write).
struct AlertDecisionBatchItem: Sendable {
    let input: Int
    let decisions: [AlertDecision]
}
