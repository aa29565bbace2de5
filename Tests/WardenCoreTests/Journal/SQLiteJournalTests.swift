import Foundation
import GRDB
import Testing
@testable import WardenCore

/// What only the SQLite store shows: its durable settings, what survives
/// reopening (a controller that died), the hash chain catching edits made
/// with SQL, and a state folder that cannot be made. What every store does
/// is `JournalConformanceTests`'.
@Suite("Journal in SQLite")
struct SQLiteJournalTests {
    private func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("warden-journal-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private func run(_ id: String) -> JournalRun {
        JournalRun(id: id, runbook: "demo", file: "demo.yaml", initiator: "alice", controller: "bastion:42",
                   planHash: "sha256:ab", parameters: "service=x\ntoken=<secret>")
    }

    @Test func writesAreDurableAndSurviveReopening() async throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let journal = try Journal(directory: directory)
            let settings = try await SQLiteJournalStore(directory: directory).durability()
            #expect(settings.journalMode == "wal")
            #expect(settings.synchronous == 2) // FULL
            try await journal.begin(run("r1"))
            try await journal.append(.init(runID: "r1", kind: .intent, step: "restart", host: "h01", command: "systemctl restart x"))
            try await journal.append(.init(runID: "r1", kind: .outcome, step: "restart", host: "h01", status: .ok, exit: 0))
            try await journal.append(.init(runID: "r1", kind: .intent, step: "restart", host: "h02", command: "systemctl restart x"))
        }
        // A new process opening the same folder (the controller died after the third write).
        let reopened = try Journal(directory: directory)
        let runs = try await reopened.runs()
        #expect(runs.map(\.id) == ["r1"])
        #expect(runs.first?.status == .running)
        let events = try await reopened.events(of: "r1")
        #expect(events.map(\.sequence) == [1, 2, 3])
        #expect(events.map(\.kind) == [.intent, .outcome, .intent])
        #expect(events.last?.host == "h02")
        #expect(events[0].previousHash == JournalEvent.genesis)
        #expect(events[1].previousHash == events[0].hash)
        let intact = try await reopened.verify(run: "r1")
        #expect(intact == nil)

        try await reopened.finish(run: "r1", status: .failed, reason: "controller died")
        let finished = try await reopened.run("r1")
        #expect(finished?.status == .ended(.failed))
        #expect(finished?.finishedAt != nil)
    }

    @Test func theChainShowsAnEditOrADeletion() async throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let journal = try Journal(directory: directory)
        try await journal.begin(run("r2"))
        for host in ["h01", "h02", "h03", "h04"] {
            try await journal.append(.init(runID: "r2", kind: .outcome, step: "s", host: host, status: .ok, exit: 0))
        }
        // Someone edits the database behind Warden's back.
        let database = try DatabaseQueue(path: journal.path)
        try await database.write { db in
            try db.execute(sql: "UPDATE events SET status = 'failed' WHERE run_id = 'r2' AND sequence = 2")
        }
        let edited = try await journal.verify(run: "r2")
        #expect(edited == 2)
        try await database.write { db in
            try db.execute(sql: "UPDATE events SET status = 'ok' WHERE run_id = 'r2' AND sequence = 2")
            try db.execute(sql: "DELETE FROM events WHERE run_id = 'r2' AND sequence = 3")
        }
        let deleted = try await journal.verify(run: "r2")
        #expect(deleted == 4)
    }

    /// The database, not only Warden, refuses a second firing: a row written with SQL
    /// (another tool, an older Warden) cannot slip a second claim past the unique index.
    @Test func theDatabaseRefusesASecondFiringAndReadsUnknownKindsAsErrors() async throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let journal = try Journal(directory: directory)
        try await journal.appendScheduleEvent(ScheduleEventDraft(schedule: "nightly", occurrence: 1_796_346_000, kind: .firing), at: Date())
        let database = try DatabaseQueue(path: journal.path)
        await #expect(throws: DatabaseError.self) {
            try await database.write { db in
                try db.execute(sql: "INSERT INTO schedule_events (sequence, at, schedule, occurrence, kind, actor) VALUES (2, 0, 'nightly', 1796346000, 'firing', 'x')")
            }
        }
        try await database.write { db in
            try db.execute(sql: "UPDATE schedule_events SET kind = 'fired-twice' WHERE sequence = 1")
        }
        do {
            _ = try await journal.scheduleEvents()
            Issue.record("a kind this version does not know was read")
        } catch {
            #expect(error.kind == .unknownValue)
            #expect(error.description.contains("schedule event 1 has the schedule event kind 'fired-twice'"), "\(error)")
        }
    }

    @Test func anUnwritableFolderIsAClearError() throws {
        #expect(throws: JournalError.self) {
            _ = try Journal(directory: "/proc/warden-cannot-be-here")
        }
        do {
            _ = try Journal(directory: "/proc/warden-cannot-be-here")
        } catch {
            #expect(error.description.hasPrefix("cannot create the state folder /proc/warden-cannot-be-here"))
        }
    }
}

@Suite("Journal, opened by many at once")
struct JournalConcurrentOpenTests {
    @Test func manyOpenersOfANewFolderAgreeOnOneSchema() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("warden-journal-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Eight openers race to create the tables of a folder that does not exist yet.
        let results = await withTaskGroup(of: String?.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    do {
                        _ = try await Journal.open(directory: directory)
                        return nil
                    } catch {
                        return "\(error)"
                    }
                }
            }
            var failures: [String] = []
            for await failure in group { if let failure { failures.append(failure) } }
            return failures
        }
        #expect(results.isEmpty, "\(results)")
    }
}
