import Foundation

extension Journal {
    /// Appends an audit record inside the caller's write, so the action and
    /// its audit record are kept together or not at all.
    static func audit(_ draft: AuditRecord.Draft, actor: String, at date: Date, in writer: any JournalWriter) throws {
        let previous = try writer.lastAuditRecord()
        try writer.insert(AuditRecord(draft: draft, actor: actor, at: date, sequence: (previous?.sequence ?? 0) + 1,
                                      previousHash: previous?.hash ?? AuditRecord.genesis))
    }

    /// The audit log from `sequence` on (1 for all of it), oldest first.
    public func auditRecords(from sequence: Int = 1) async throws(JournalError) -> [AuditRecord] {
        try await store.read { reader in try reader.auditRecords(from: sequence) }
    }

    /// Checks the audit chain, every run's event chain, and that the two
    /// agree (each event has its audit record carrying its hash, in order),
    /// and that the runs, approvals, locks, checkpoints, alert inputs and
    /// decisions and schedule events are what the audit log recorded. Returns
    /// the first break found, or nil when all of it holds. Reads one consistent state of the journal, whatever its store.
    ///
    /// What a chain cannot show: the newest records removed together from
    /// the end. `warden audit export` prints the last hash so that a copy
    /// kept elsewhere (a SIEM) anchors it.
    public func verifyAudit() async throws(JournalError) -> AuditBreak? {
        try await store.read { reader in try Journal.auditBreak(in: reader) }
    }

    static func auditBreak(in reader: any JournalReader) throws -> AuditBreak? {
        var eventRecords: [String: [AuditRecord]] = [:]
        var approvalRecords: [String: [AuditRecord]] = [:]
        var startRecords: [String: AuditRecord] = [:]
        var adopters: [String: String] = [:]
        var previous = AuditRecord.genesis
        var expected = 1
        let records = try reader.auditRecords(from: 1)
        for record in records {
            if record.sequence != expected {
                return AuditBreak(record: record.sequence, runID: record.runID, event: nil,
                                  reason: "expected record \(expected) here: a record was removed or inserted")
            }
            if record.previousHash != previous {
                return AuditBreak(record: record.sequence, runID: record.runID, event: nil,
                                  reason: "does not follow from the record before it: that one, or this one, was changed")
            }
            if record.computedHash != record.hash {
                return AuditBreak(record: record.sequence, runID: record.runID, event: nil, reason: "its content was changed after it was written")
            }
            if let run = record.runID, record.event != nil { eventRecords[run, default: []].append(record) }
            if let run = record.runID, record.action == .approval { approvalRecords[run, default: []].append(record) }
            if let run = record.runID, record.action == .runStarted { startRecords[run] = record }
            if let run = record.runID, record.action == .runAdopted, let adopter = record.summary.flatMap(adopter(in:)) { adopters[run] = adopter }
            previous = record.hash
            expected += 1
        }
        if let broken = try lockBreak(in: reader, records: records) { return broken }
        if let broken = try checkpointBreak(in: reader, records: records) { return broken }
        if let broken = try alertBreak(in: reader, records: records) { return broken }
        if let broken = try scheduleBreak(in: reader, records: records) { return broken }
        let approvals = Dictionary(grouping: try reader.approvals(of: nil), by: \.runID)
        for run in try reader.runs().reversed() {
            let events = try reader.events(of: run.id, from: 1)
            if let broken = chainBreak(events) {
                return AuditBreak(record: nil, runID: run.id, event: broken, reason: "the run's event chain is broken here (changed, inserted or removed)")
            }
            let audited = eventRecords[run.id] ?? []
            // A state folder from before the audit log has events no record covers.
            let skipped = events.count - audited.count
            guard skipped >= 0 else {
                return AuditBreak(record: audited.last?.sequence, runID: run.id, event: audited.last?.event,
                                  reason: "the audit log records events the journal no longer holds: events were removed")
            }
            for (record, event) in zip(audited, events.dropFirst(skipped)) where record.event != event.sequence || record.digest != event.hash {
                return AuditBreak(record: record.sequence, runID: run.id, event: event.sequence,
                                  reason: "the journal's event and its audit record disagree")
            }
            // What approvals bind to and what a resume runs: the run's row as it was started.
            if let started = startRecords[run.id] {
                if started.status != run.planHash || !matches(run, started: started.summary, adoptedBy: adopters[run.id])
                    || started.digest != ChainHash.digest(run.plan) {
                    return AuditBreak(record: started.sequence, runID: run.id, event: nil,
                                      reason: "the run's row (runbook, initiator, parameters, plan or its hash) is not what the audit log recorded when it started: it was changed")
                }
            }
            // The gate reads the approvals: every one must be one the audit log recorded, as it was.
            let given = approvals[run.id] ?? []
            let recorded = approvalRecords[run.id] ?? []
            for (index, approval) in given.enumerated() {
                let what = "\(approval.decision.rawValue) by \(approval.approver) at step '\(approval.step)'"
                guard index < recorded.count else {
                    return AuditBreak(record: nil, runID: run.id, event: nil,
                                      reason: "the approvals table holds a \(what) that the audit log never recorded: it was inserted outside Warden")
                }
                let record = recorded[index]
                if record.step != approval.step || record.status != approval.decision.rawValue || record.digest != approval.planHash {
                    return AuditBreak(record: record.sequence, runID: run.id, event: nil,
                                      reason: "the approvals table and the audit log disagree about an approval (\(what)): it was changed or inserted outside Warden")
                }
            }
            if recorded.count > given.count {
                return AuditBreak(record: recorded[given.count].sequence, runID: run.id, event: nil,
                                  reason: "the audit log records an approval the approvals table no longer holds: it was removed")
            }
        }
        return nil
    }

    /// Whether the run's row is the one the audit log recorded as it started
    /// (`summary`), but for its controller, which a resume changes: the
    /// newest `run-adopted` record's, when there is one. The controller
    /// recorded at the start must then still be one (`host:pid`), so text
    /// moved from the parameters into it does not pass.
    static func matches(_ run: JournalRun, started summary: String?, adoptedBy adopter: String?) -> Bool {
        guard let adopter else { return summary == run.startedSummary }
        let around = run.startedSummary(controller: "\u{0}").components(separatedBy: "\u{0}")
        guard let summary, run.controller == adopter, around.count == 2, summary.count > around[0].count + around[1].count,
              summary.hasPrefix(around[0]), summary.hasSuffix(around[1]) else { return false }
        let controller = summary.dropFirst(around[0].count).dropLast(around[1].count)
        return !controller.contains { $0 == ";" || $0 == " " }
    }

    /// The controller a `run-adopted` record hands the run to (its summary is `resumed on
    /// CONTROLLER`, then, since epochs, `; epoch N, from …`: a controller holds no `;`).
    static func adopter(in summary: String) -> String? {
        summary.hasPrefix(adoptedPrefix) ? String(summary.dropFirst(adoptedPrefix.count).prefix { $0 != ";" }) : nil
    }

    static let adoptedPrefix = "resumed on "

    /// The locks must be what the audit log's lock records leave: each lock
    /// taken (or taken over) and not since released or broken, held by that
    /// run. A lock inserted outside Warden would keep others' runs out; one
    /// deleted would let two runs into what the lock guards.
    static func lockBreak(in reader: any JournalReader, records: [AuditRecord]) throws -> AuditBreak? {
        var held: [String: (run: String?, record: Int)] = [:]
        for record in records {
            guard let name = record.lock else { continue }
            switch record.action {
            case .lockTaken, .lockTakenOver: held[name] = (record.runID, record.sequence)
            case .lockReleased, .lockBroken: held[name] = nil
            default: break
            }
        }
        for lock in try reader.locks() {
            guard let recorded = held.removeValue(forKey: lock.name) else {
                return AuditBreak(record: nil, runID: lock.runID, event: nil,
                                  reason: "the locks table holds lock '\(lock.name)' for run \(lock.runID) that the audit log never recorded as taken: it was inserted outside Warden")
            }
            if recorded.run != lock.runID {
                return AuditBreak(record: recorded.record, runID: lock.runID, event: nil,
                                  reason: "the locks table gives lock '\(lock.name)' to run \(lock.runID), but the audit log gave it to run \(recorded.run ?? "?"): it was changed outside Warden")
            }
        }
        if let (name, recorded) = held.min(by: { $0.value.record < $1.value.record }) {
            return AuditBreak(record: recorded.record, runID: recorded.run, event: nil,
                              reason: "the audit log has lock '\(name)' held by run \(recorded.run ?? "?"), but the locks table no longer holds it: it was removed outside Warden")
        }
        return nil
    }

    /// The first `family` `kind` row (sequence, digest) that is not the audit record in its place,
    /// or a record left over when rows were removed: for the numbered logs (alert inputs and
    /// decisions, schedule events) each of whose rows has one record carrying its digest.
    static func rowBreak(_ rows: [(sequence: Int, digest: String)], _ audited: [AuditRecord], family: String,
                         kind: String) -> AuditBreak? {
        for (index, row) in rows.enumerated() {
            guard index < audited.count else {
                return AuditBreak(record: nil, runID: nil, event: nil,
                                  reason: "\(family) \(kind) \(row.sequence) has no audit record: it was inserted behind the audit log's back")
            }
            if audited[index].digest != row.digest {
                return AuditBreak(record: audited[index].sequence, runID: nil, event: nil,
                                  reason: "\(family) \(kind) \(row.sequence) is not what the audit log recorded: it was changed")
            }
        }
        if audited.count > rows.count {
            return AuditBreak(record: audited[rows.count].sequence, runID: nil, event: nil,
                              reason: "the audit log records \(family) \(kind)s the journal no longer holds: \(kind)s were removed")
        }
        return nil
    }

    /// The sequence of a run's first event that does not follow from the
    /// one before it, or nil.
    static func chainBreak(_ events: [JournalEvent]) -> Int? {
        var previous = JournalEvent.genesis
        var expectedSequence = 1
        for event in events {
            if event.sequence != expectedSequence || event.previousHash != previous || event.computedHash != event.hash {
                return event.sequence
            }
            previous = event.hash
            expectedSequence += 1
        }
        return nil
    }
}
