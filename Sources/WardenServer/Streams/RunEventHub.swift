import Foundation
import WardenCore

/// One reader of a run's new journal records for every stream following it:
/// fifty clients on one run cost one journal read per wake-up, not fifty
/// (the journal serializes reads behind its durable writes). A feed starts
/// with its first subscriber, wakes on this process's journal writes (and
/// every `poll` for other processes'), sends each new batch to every
/// subscriber, a `tick` when nothing came (for heartbeats), and `ended` once
/// the run has ended and every record was sent; it stops when its last
/// subscriber leaves.
actor RunEventHub {
    /// What a subscriber receives.
    enum Batch: Sendable {
        case events([JournalEvent])
        case tick
        case ended(JournalRun)
    }

    private struct Feed {
        var subscribers: [UUID: AsyncStream<Batch>.Continuation] = [:]
        var task: Task<Void, Never>?
    }

    let journal: Journal
    let signal: ChangeSignal
    let poll: Duration
    private var feeds: [String: Feed] = [:]

    init(journal: Journal, signal: ChangeSignal, poll: Duration = .milliseconds(250)) {
        self.journal = journal
        self.signal = signal
        self.poll = poll
    }

    /// Follows `runID` from after record `last` on. The caller reads what came before itself, and
    /// may receive records it already has (it drops them by sequence).
    func subscribe(_ runID: String, after last: Int) -> (UUID, AsyncStream<Batch>) {
        let id = UUID()
        let (stream, continuation) = AsyncStream<Batch>.makeStream(bufferingPolicy: .bufferingNewest(256))
        var feed = feeds[runID] ?? Feed()
        feed.subscribers[id] = continuation
        if feed.task == nil {
            feed.task = Task { [weak self] in await self?.follow(runID, after: last) }
        }
        feeds[runID] = feed
        continuation.onTermination = { [weak self] _ in
            Task { await self?.unsubscribe(runID, id) }
        }
        return (id, stream)
    }

    func unsubscribe(_ runID: String, _ id: UUID) {
        feeds[runID]?.subscribers[id] = nil
        if feeds[runID]?.subscribers.isEmpty == true {
            feeds[runID]?.task?.cancel()
            feeds[runID] = nil
        }
    }

    private func send(_ batch: Batch, to runID: String) -> Bool {
        guard let feed = feeds[runID], !feed.subscribers.isEmpty else { return false }
        for (id, subscriber) in feed.subscribers {
            // A client too slow to take 256 batches is let go rather than sent a gap: its stream ends,
            // and it reconnects with Last-Event-ID where it stopped.
            if case .dropped = subscriber.yield(batch) {
                subscriber.finish()
                feeds[runID]?.subscribers[id] = nil
            }
        }
        guard feeds[runID]?.subscribers.isEmpty == false else {
            // Its last subscriber was let go: the feed ends (this loop returns), and the next subscriber starts a new one.
            feeds[runID] = nil
            return false
        }
        return true
    }

    private func finish(_ runID: String) {
        for subscriber in feeds[runID]?.subscribers.values ?? [:].values { subscriber.finish() }
        feeds[runID] = nil
    }

    /// The feed's loop: runs while anyone listens.
    private func follow(_ runID: String, after start: Int) async {
        var last = start
        while !Task.isCancelled {
            let seen = signal.generation
            do {
                let events = try await journal.events(of: runID, from: last + 1)
                if let newest = events.last {
                    last = newest.sequence
                    guard send(.events(events), to: runID) else { return }
                    continue
                }
                if let run = try await journal.run(runID), case .ended = run.status {
                    // Records journaled between the two reads go out before the end.
                    if try await !journal.events(of: runID, from: last + 1).isEmpty { continue }
                    _ = send(.ended(run), to: runID)
                    finish(runID)
                    return
                }
            } catch {
                // A journal that cannot be read now may be readable at the next wake-up; the streams wait.
            }
            guard send(.tick, to: runID) else { return }
            await signal.wait(since: seen, timeout: poll)
        }
    }
}
