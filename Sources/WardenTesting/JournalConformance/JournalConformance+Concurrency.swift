import Foundation
import WardenCore

extension JournalConformance {
    /// The journal's own promises after concurrent writers: each run's events
    /// numbered 1...n and chained, the audit log numbered 1...m and chained,
    /// and the two in agreement.
    private static func requireIntact(_ journal: Journal, runs: [String: Int]) async throws {
        for (run, count) in runs {
            let events = try await journal.events(of: run)
            try requireEqual(events.map(\.sequence), Array(1...count), "run \(run)'s sequences")
            try requireEqual(try await journal.verify(run: run), nil, "run \(run)'s chain")
        }
        let records = try await journal.auditRecords()
        try requireEqual(records.map(\.sequence), (0..<records.count).map { $0 + 1 }, "the audit sequences")
        try requireEqual(try await journal.verifyAudit(), nil, "verifyAudit")
    }

    /// Appends `count` notes to `run`, one write each, taking and releasing `lock` every tenth.
    private static func write(_ journal: Journal, run: String, count: Int, lock: String, tag: String) async throws {
        for index in 1...count {
            try await journal.append(.init(runID: run, kind: .note, detail: "\(tag) \(index)"))
            if index % 10 == 0 {
                _ = try await journal.acquire(RunLock(name: lock, runID: run, holder: tag, controller: "elsewhere:1"))
                try await journal.release(lock: lock, run: run)
            }
        }
    }

    static var concurrency: [JournalConformanceCheck] {
        [
            JournalConformanceCheck("two journals writing at once number every run's events without gaps and keep every chain") { store in
                let other = try await store.reopen()
                for run in ["r1", "r2"] { try await store.journal.begin(ConformanceSample.run(run)) }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await write(store.journal, run: "r1", count: 60, lock: "one", tag: "first") }
                    group.addTask { try await write(other, run: "r1", count: 60, lock: "two", tag: "second") }
                    group.addTask { try await write(other, run: "r2", count: 30, lock: "three", tag: "third") }
                    try await group.waitForAll()
                }
                try await requireIntact(store.journal, runs: ["r1": 120, "r2": 30])
                let details = try await store.journal.events(of: "r1").compactMap(\.detail)
                for tag in ["first", "second"] {
                    try requireEqual(details.filter { $0.hasPrefix(tag + " ") }, (1...60).map { "\(tag) \($0)" }, "\(tag)'s events, in its order")
                }
            },
            JournalConformanceCheck("a writer in another process and this one number without gaps and keep every chain",
                                    requires: [.sharedAcrossProcesses]) { store in
                guard let spawn = store.spawnWriter else { throw ConformanceFailure("the store says it is shared across processes, but spawns no writer") }
                try await store.journal.begin(ConformanceSample.run("r1"))
                // The child waits after its 10th event for one of this process's: the two overlap.
                let child = try await spawn(JournalWriterJob(runID: "r1", events: 150, lock: "child", waitAfter: 10))
                let deadline = Date().addingTimeInterval(30)
                while try await child.appended().isEmpty {
                    guard Date() < deadline else {
                        await child.kill()
                        throw ConformanceFailure("the writer process appended nothing within 30 s")
                    }
                    try await Task.sleep(for: .milliseconds(5))
                }
                try await write(store.journal, run: "r1", count: 150, lock: "parent", tag: "parent")
                try await child.finish()
                try await requireIntact(store.journal, runs: ["r1": 300])
                let events = try await store.journal.events(of: "r1")
                let fromChild = events.filter { $0.detail?.hasPrefix("child ") == true }.map(\.sequence)
                try requireEqual(fromChild.count, 150, "the child's events")
                try requireEqual(try await child.appended(), fromChild, "the sequences the child reported")
                // The two really wrote at once: some of this process's events fall between the child's.
                let between = events.filter { $0.detail?.hasPrefix("parent ") == true && $0.sequence > (fromChild.first ?? 0)
                    && $0.sequence < (fromChild.last ?? 0) }
                try require(!between.isEmpty, "the two writers never interleaved: the check proved nothing")
            },
            JournalConformanceCheck("what a writer killed mid-write had appended is in the journal, and every chain holds",
                                    requires: [.sharedAcrossProcesses]) { store in
                guard let spawn = store.spawnWriter else { throw ConformanceFailure("the store says it is shared across processes, but spawns no writer") }
                try await store.journal.begin(ConformanceSample.run("r1"))
                let child = try await spawn(JournalWriterJob(runID: "r1", events: 100_000, lock: "child", lockEvery: 7))
                let deadline = Date().addingTimeInterval(30)
                while try await child.appended().count < 25 {
                    guard Date() < deadline else {
                        await child.kill()
                        throw ConformanceFailure("the writer process appended fewer than 25 events within 30 s")
                    }
                    try await Task.sleep(for: .milliseconds(5))
                }
                await child.kill()
                try await child.finish()
                let reported = try await child.appended()
                let kept = try await store.journal.events(of: "r1").map(\.sequence)
                try require(Set(reported).isSubset(of: Set(kept)), "events the writer reported appended are missing: \(Set(reported).subtracting(kept).sorted())")
                // A write under way when it died is kept whole or not at all; what follows continues the chains.
                try await store.journal.append(.init(runID: "r1", kind: .note, detail: "after the kill"))
                try await requireIntact(store.journal, runs: ["r1": kept.count + 1])
            },
        ]
    }
}
