import Foundation
import WardenCore

extension JournalConformance {
    /// The work queue and stop requests. Like the leases, these use the real time with leases
    /// and expiries of zero or an hour, since a shared database's clock cannot be moved.
    static var queue: [JournalConformanceCheck] {
        [
            JournalConformanceCheck("work items are claimed oldest first, each by one of the controllers claiming at once; an id queued again is the same item") { store in
                let journal = store.journal
                let first = try await journal.enqueue(id: "w-1", kind: .run, payload: "{}", requester: "olga", expiresAfter: .seconds(3600), at: Date())
                try require(first.created && first.claim == nil && first.item.state == .ready, "a new item waits, unclaimed: \(first)")
                try await Task.sleep(for: .milliseconds(5))
                _ = try await journal.enqueue(id: "w-2", kind: .run, payload: "{}", requester: "olga", expiresAfter: .seconds(3600), at: Date())
                let again = try await journal.enqueue(id: "w-1", kind: .run, payload: "{\"other\":1}", requester: "olga", expiresAfter: .seconds(1),
                                                      claimedBy: "a:1", at: Date())
                try require(!again.created && again.claim == nil && again.item.payload == "{}" && again.item.state == .ready,
                            "an id queued already is returned as it is, unclaimed: \(again.item)")
                // Two controllers claiming at once (two journals on the store): each gets a different item.
                let other = try await store.reopen()
                async let a = journal.claimWork(controller: "a:1", lease: .seconds(3600), at: Date())
                async let b = other.claimWork(controller: "b:2", lease: .seconds(3600), at: Date())
                let claims = [try await a, try await b].compactMap { $0 }
                try requireEqual(Set(claims.map(\.0.id)), ["w-1", "w-2"], "the items the two claimers got")
                try require(claims.allSatisfy { $0.0.state == .claimed && $0.0.epoch == 1 && $0.0.attempts == 1 && $0.0.claimedBy == $0.1.controller },
                            "each claim holds its item at epoch 1: \(claims)")
                try requireEqual(try await journal.claimWork(controller: "c:3", lease: .seconds(3600), at: Date())?.0.id, nil,
                                 "a third claimer while both claims hold")
            },
            JournalConformanceCheck("24 items claimed by four controllers at once: each item is claimed once, and all of them are") { store in
                let journal = store.journal
                for index in 0..<24 {
                    _ = try await journal.enqueue(id: "w-\(index)", kind: .run, payload: "{}", requester: "olga", expiresAfter: .seconds(3600), at: Date())
                }
                var journals = [journal]
                for _ in 1..<4 { journals.append(try await store.reopen()) }
                let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
                    for (index, claimer) in journals.enumerated() {
                        group.addTask {
                            var mine: [String] = []
                            while let (item, _) = try await claimer.claimWork(controller: "c:\(index)", lease: .seconds(3600), at: Date()) {
                                mine.append(item.id)
                            }
                            return mine
                        }
                    }
                    return try await group.reduce(into: [String]()) { $0 += $1 }
                }
                try requireEqual(claimed.count, 24, "claims made (an item claimed twice would make more)")
                try requireEqual(Set(claimed).count, 24, "different items claimed")
            },
            JournalConformanceCheck("a claim that lapsed is claimed again at a higher epoch; the old claim can neither start the run nor settle the item") { store in
                let journal = store.journal
                _ = try await journal.enqueue(id: "w-3", kind: .run, payload: "{}", requester: "olga", expiresAfter: .seconds(3600), at: Date())
                guard let (_, old) = try await journal.claimWork(controller: "a:1", lease: .zero, at: Date()) else { throw ConformanceFailure("no claim") }
                try await Task.sleep(for: .milliseconds(20))
                guard let (item, new) = try await journal.claimWork(controller: "b:2", lease: .seconds(3600), at: Date()) else {
                    throw ConformanceFailure("a lapsed claim was not claimed again")
                }
                try require(item.id == "w-3" && item.epoch == 2 && item.attempts == 2 && new.epoch == 2, "the second claim: \(item)")
                do {
                    try await journal.begin(ConformanceSample.run("r-old"), lease: .seconds(30), closing: old)
                    throw ConformanceFailure("a run was started under a lapsed claim")
                } catch let error as JournalError {
                    try requireEqual(error.kind, .fenced, "a start under a lapsed claim: \(error)")
                }
                try requireEqual(try await journal.run("r-old"), nil, "the run started under the lapsed claim")
                do {
                    try await journal.settle(old, as: .refused, outcome: "late", at: Date())
                    throw ConformanceFailure("a lapsed claim settled its item")
                } catch let error as JournalError {
                    try requireEqual(error.kind, .fenced, "a settle under a lapsed claim: \(error)")
                }
                try await journal.begin(ConformanceSample.run("r-new"), lease: .seconds(30), closing: new)
                let started = try await journal.workItem("w-3")
                try require(started?.state == .started && started?.runID == "r-new", "the item names the run it started: \(String(describing: started))")
                try requireEqual(try await journal.run("r-new")?.status, .running, "the run started under the live claim")
                try requireEqual(try await journal.claimWork(controller: "c:3", lease: .seconds(3600), at: Date())?.0.id, nil, "a started item is claimed again")
                try requireEqual(try await journal.verifyAudit(), nil, "verifyAudit")
            },
            JournalConformanceCheck("items expire unstarted past their time, are withdrawn only while open, and go back to the queue when their claimer gives them up") { store in
                let journal = store.journal
                _ = try await journal.enqueue(id: "w-4", kind: .run, payload: "{}", requester: "olga", expiresAfter: .zero, at: Date())
                try await Task.sleep(for: .milliseconds(20))
                try requireEqual(try await journal.claimWork(controller: "a:1", lease: .seconds(3600), at: Date())?.0.id, nil, "an expired item claimed")
                let expired = try await journal.workItem("w-4")
                try require(expired?.state == .expired && expired?.outcome == WorkItem.expiredOutcome, "an item past its time: \(String(describing: expired))")
                _ = try await journal.enqueue(id: "w-5", kind: .run, payload: "{}", requester: "olga", expiresAfter: .seconds(3600), at: Date())
                let withdrawn = try await journal.withdraw(item: "w-5", by: "tess", reason: "wrong cluster", at: Date())
                try require(withdrawn.state == .withdrawn && withdrawn.outcome == "withdrawn by tess: wrong cluster", "a withdrawn item: \(withdrawn)")
                do {
                    _ = try await journal.withdraw(item: "w-5", by: "tess", reason: "again", at: Date())
                    throw ConformanceFailure("an item was withdrawn twice")
                } catch let error as JournalError {
                    try requireEqual(error.kind, .alreadyClaimed, "a second withdrawal: \(error)")
                }
                let queued = try await journal.enqueue(id: "w-6", kind: .run, payload: "{}", requester: "olga", expiresAfter: .seconds(3600),
                                                       claimedBy: "a:1", lease: .seconds(3600), at: Date())
                guard let mine = queued.claim else { throw ConformanceFailure("an item queued as claimed has no claim: \(queued)") }
                try require(queued.item.state == .claimed && mine.epoch == 1, "an item queued as claimed: \(queued.item)")
                try await journal.settle(mine, as: .ready, outcome: nil, at: Date())
                let back = try await journal.workItem("w-6")
                try require(back?.state == .ready && back?.claimedBy == nil && back?.leaseUntil == nil, "an item given up: \(String(describing: back))")
                guard let (_, theirs) = try await journal.claimWork(controller: "b:2", lease: .seconds(3600), at: Date()) else {
                    throw ConformanceFailure("an item given back was not claimed")
                }
                try requireEqual(theirs.epoch, 2, "the epoch of the claim after it was given back")
                try await journal.settle(theirs, as: .refused, outcome: "the plan changed", at: Date())
                let listed = try await journal.workItems(closedLimit: 10)
                try requireEqual(listed.open.map(\.id), [], "the open items")
                try requireEqual(Set(listed.closed.map(\.id)), ["w-4", "w-5", "w-6"], "the closed items")
                try requireEqual(try await journal.workItem("w-6")?.outcome, "the plan changed", "a refused item's outcome")
            },
            JournalConformanceCheck("a stop request is kept on the running run for its carrier, found by its lease renewal, noted and audited; an ended run is not stopped") { store in
                let journal = store.journal
                try await journal.begin(ConformanceSample.run("r1"), lease: .seconds(3600))
                let fence = RunFence(runID: "r1", epoch: 1)
                try requireEqual(try await journal.renewLease(fence, for: .seconds(3600), at: Date()).stopRequest, nil, "a renewal before anyone asked")
                try await journal.acting(as: "olga").requestStop(run: "r1", by: "olga", reason: "wrong cluster", at: ConformanceSample.at(1))
                try await journal.acting(as: "tess").requestStop(run: "r1", by: "tess", reason: "me too", at: ConformanceSample.at(2))
                try requireEqual(try await journal.run("r1")?.stopRequest, "olga: wrong cluster", "the request kept (the first)")
                try requireEqual(try await journal.renewLease(fence, for: .seconds(3600), at: Date()).stopRequest, "olga: wrong cluster",
                                 "what the carrier's renewal finds")
                try requireEqual(try await journal.events(of: "r1").map(\.detail), ["cancelled by olga: wrong cluster", "cancelled by tess: me too"],
                                 "the notes")
                try require(try await journal.auditRecords().contains { $0.actor == "olga" && $0.runID == "r1" }, "the audit log names who asked")
                try await journal.finish(run: "r1", status: .aborted, reason: "cancelled by olga: wrong cluster", at: ConformanceSample.at(3), fence: fence)
                do {
                    try await journal.requestStop(run: "r1", by: "olga", reason: "late", at: ConformanceSample.at(4))
                    throw ConformanceFailure("an ended run was asked to stop")
                } catch let error as JournalError {
                    try requireEqual(error.kind, .alreadyClaimed, "a stop request for an ended run: \(error)")
                }
                try requireEqual(try await journal.verifyAudit(), nil, "verifyAudit")
            },
        ]
    }
}
