import Foundation
import WardenCore

/// The newest run in the journal at `state` once `condition` holds for it
/// and its events: the moment a run (in a `BackgroundWarden`) reached a
/// point the test acts at, read from what the run journals rather than
/// guessed from how long it takes. Polled every 50 ms for up to `limit`
/// (planning alone can take seconds on a loaded machine); fails naming `what`.
public func awaitRun(in state: String, _ what: String, limit: Duration = .seconds(60),
                     until condition: (JournalRun, [JournalEvent]) -> Bool) async throws -> JournalRun {
    try await awaitRun(in: try await Journal.open(directory: state), what, limit: limit, until: condition)
}

/// The newest run in `journal` once `condition` holds for it and its events (as above).
public func awaitRun(in journal: Journal, _ what: String, limit: Duration = .seconds(60),
                     until condition: (JournalRun, [JournalEvent]) -> Bool) async throws -> JournalRun {
    let clock = ContinuousClock()
    let giveUp = clock.now + limit
    while clock.now < giveUp {
        if let run = try await journal.runs().first, condition(run, try await journal.events(of: run.id)) {
            return run
        }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw WardenTestFailure("no run in \(journal.path) reached: \(what) (within \(limit))")
}
