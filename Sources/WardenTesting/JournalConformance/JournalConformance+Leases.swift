import Foundation
import WardenCore

extension JournalConformance {
    /// Leases are judged by the journal's clock (a database's own for a shared one), which a
    /// check cannot move: these use the real time, leases of none or an hour, and lapses of
    /// milliseconds, so no machine is too slow for them.
    static var leases: [JournalConformanceCheck] {
        [
            JournalConformanceCheck("a run begun with a lease is held at epoch 1; it lapses unless renewed, and lapsed runs are listed oldest first") { store in
                let journal = store.journal
                try await journal.begin(ConformanceSample.run("r1", startedAt: Date()), lease: .zero)
                try await journal.begin(ConformanceSample.run("r2", startedAt: Date().addingTimeInterval(1)), lease: .seconds(3600))
                try await journal.begin(ConformanceSample.run("r3", startedAt: Date().addingTimeInterval(2)))
                let r1 = try await journal.run("r1")
                try requireEqual(r1?.epoch, 1, "a new run's epoch")
                let r3 = try await journal.run("r3")
                try require(r1?.leaseUntil != nil && r3?.leaseUntil == nil,
                            "a lease is recorded when one is given, and only then")
                try await Task.sleep(for: .milliseconds(20))
                try requireEqual(try await journal.lapsedRuns(grace: .zero, at: Date()).map(\.id), ["r1"],
                                 "the runs whose lease lapsed (not the one leased for an hour, nor the one without a lease)")
                try requireEqual(try await journal.lapsedRuns(grace: .seconds(3600), at: Date()).map(\.id), [],
                                 "within the grace period nothing has lapsed")
                let until = try await journal.renewLease(RunFence(runID: "r1", epoch: 1), for: .seconds(3600), at: Date()).until
                try require(until > Date().timeIntervalSince1970 + 3000, "a renewal extends the lease by its length: \(until)")
                try requireEqual(try await journal.lapsedRuns(grace: .zero, at: Date()).map(\.id), [], "a renewed lease has not lapsed")
                try await journal.finish(run: "r2", status: .succeeded, reason: nil, at: Date())
                try await journal.renewLease(RunFence(runID: "r2", epoch: 1), for: .zero, at: Date())
                try await Task.sleep(for: .milliseconds(20))
                try requireEqual(try await journal.lapsedRuns(grace: .zero, at: Date()).map(\.id), [], "a run that ended is never listed")
                do {
                    _ = try await journal.adopt(run: "r2", controller: "late:3", expecting: 1, at: Date())
                    throw ConformanceFailure("a run that ended was adopted")
                } catch let error as JournalError {
                    try requireEqual(error.kind, .alreadyClaimed, "adopting a run that ended: \(error)")
                }
                try requireEqual(try await journal.run("r2")?.epoch, 1, "the ended run's epoch")
                try requireEqual(try await journal.verifyAudit(), nil, "verifyAudit (renewals are not audited)")
            },
            JournalConformanceCheck("an adoption raises the epoch and moves the locks; the old holder's appends, end and renewals are refused, nothing kept") { store in
                let journal = store.journal
                try await journal.begin(ConformanceSample.run("r1"), lease: .seconds(30))
                let old = RunFence(runID: "r1", epoch: 1)
                _ = try await journal.acquire(RunLock(name: "c1", runID: "r1", holder: "alice", controller: "bastion:42",
                                                      acquiredAt: ConformanceSample.at(0)), at: ConformanceSample.at(0))
                try await journal.append(.init(runID: "r1", kind: .note, detail: "held", at: ConformanceSample.at(1)), fence: old)
                let new = try await journal.adopt(run: "r1", controller: "other:7", lease: .seconds(30), expecting: 1,
                                                  reason: "its lease lapsed", at: ConformanceSample.at(2))
                try requireEqual(new, RunFence(runID: "r1", epoch: 2), "the adopter's fence")
                let adopted = try await journal.run("r1")
                try requireEqual(adopted?.controller, "other:7", "the run's controller")
                try requireEqual(try await journal.locks().map(\.controller), ["other:7"], "the locks' controller")
                try await refusedAsFenced("an append", by: "other:7") { () async throws(JournalError) in
                    _ = try await journal.append(.init(runID: "r1", kind: .intent, step: "s", host: "h", command: "rm -rf /data",
                                                       at: ConformanceSample.at(3)), fence: old)
                }
                try await refusedAsFenced("the run's end", by: "other:7") { () async throws(JournalError) in
                    try await journal.finish(run: "r1", status: .failed, reason: "lost", at: ConformanceSample.at(3), fence: old)
                }
                try await refusedAsFenced("a renewal", by: "other:7") { () async throws(JournalError) in
                    _ = try await journal.renewLease(old, for: .seconds(30), at: Date())
                }
                try await refusedAsFenced("a second adoption from epoch 1", by: "other:7") { () async throws(JournalError) in
                    _ = try await journal.adopt(run: "r1", controller: "third:9", expecting: 1, at: ConformanceSample.at(3))
                }
                try requireEqual(try await journal.events(of: "r1").map(\.detail), ["held"], "the run's events")
                try requireEqual(try await journal.run("r1")?.status, .running, "the run is still running")
                try requireEqual(try await journal.run("r1")?.epoch, 2, "the epoch")
                try await journal.append(.init(runID: "r1", kind: .note, detail: "carried on", at: ConformanceSample.at(4)), fence: new)
                let record = try await journal.auditRecords().last { $0.action == .runAdopted }
                try require(record?.summary?.contains("from bastion:42 at epoch 1") == true && record?.summary?.contains("its lease lapsed") == true,
                            "the adoption's audit record says from whom, at which epoch, and why: \(String(describing: record))")
                try requireEqual(try await journal.verifyAudit(), nil, "verifyAudit")
            },
            JournalConformanceCheck("controllers register with a heartbeat on the journal's clock, seen by every journal on the store, and say when they stopped") { store in
                let journal = store.journal
                let first = try await journal.heartbeat(controller: "b:2", listen: "127.0.0.1:8471", starting: true, at: Date())
                try await journal.heartbeat(controller: "a:1", listen: "127.0.0.1:8470", starting: true, at: Date())
                try await Task.sleep(for: .milliseconds(20))
                let later = try await journal.heartbeat(controller: "b:2", listen: "127.0.0.1:8471", at: Date())
                try require(later > first, "a later heartbeat is later: \(first) then \(later)")
                let (seen, clock) = try await store.reopen().controllers(at: Date())
                try requireEqual(seen.map(\.id), ["a:1", "b:2"], "the controllers, by id")
                try requireEqual(seen.last?.heartbeatAt, later, "b's heartbeat")
                try requireEqual(seen.last?.startedAt, first, "b's start (a heartbeat does not move it)")
                try require(clock >= later, "the clock to judge them by: \(clock)")
                try await journal.stopped(controller: "a:1", at: Date())
                try require(try await journal.controllers(at: Date()).controllers.first?.stoppedAt != nil, "a stopped")
                try await journal.heartbeat(controller: "a:1", listen: "127.0.0.1:8470", starting: true, at: Date())
                try require(try await journal.controllers(at: Date()).controllers.first?.stoppedAt == nil, "a started again")
            },
            JournalConformanceCheck("two controllers adopting one run at once through two journals: exactly one gets it") { store in
                try await store.journal.begin(ConformanceSample.run("r1"), lease: .zero)
                let other = try await store.reopen()
                let (first, second) = (store.journal, other)
                async let a = adoption(first, "a:1")
                async let b = adoption(second, "b:2")
                let results = await [a, b]
                let won = results.compactMap { try? $0.get() }
                try requireEqual(won, [RunFence(runID: "r1", epoch: 2)], "the adoptions that succeeded")
                try require(results.contains { if case let .failure(error) = $0 { error.kind == .fenced } else { false } },
                            "the other is refused as fenced: \(results)")
                try requireEqual(try await first.auditRecords().filter { $0.action == .runAdopted }.count, 1, "adoption records")
                try requireEqual(try await first.verifyAudit(), nil, "verifyAudit")
            },
        ]
    }

    private static func adoption(_ journal: Journal, _ controller: String) async -> Result<RunFence, JournalError> {
        do {
            return .success(try await journal.adopt(run: "r1", controller: controller, expecting: 1, at: Date()))
        } catch {
            return .failure(error)
        }
    }

    /// Fails unless `attempt` is refused as `.fenced`, naming `holder`.
    private static func refusedAsFenced(_ what: String, by holder: String, _ attempt: () async throws(JournalError) -> Void) async throws {
        do {
            try await attempt()
        } catch {
            try requireEqual(error.kind, .fenced, "\(what) by the controller fenced off: \(error)")
            try require(error.description.contains(holder), "the refusal names who holds the run: \(error)")
            return
        }
        throw ConformanceFailure("\(what) by the controller fenced off was kept")
    }
}
