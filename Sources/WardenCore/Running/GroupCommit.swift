import Foundation
import Synchronization

/// One run's journal writes, grouped: what must be durable before the
/// controller acts (an intent before its command leaves, a deadman before
/// the host arms it) is *committed*, and everything merely recorded (an
/// outcome, a step finishing, a process group) is *buffered* and rides along
/// with the next commit, or is written on its own after `interval`, or when
/// `limit` events wait, whichever comes first.
///
/// That keeps the journal's one rule (nothing leaves before its intent is on
/// disk) and makes the common path one durable transaction per step barrier:
/// step k's outcomes and end are written in the same transaction as step
/// k+1's start and intents. Commits that arrive while a transaction is being
/// written (hosts of a batch larger than the concurrency, each journaling its
/// own intent) are written together in the next one.
///
/// What a controller killed meanwhile loses is only what was buffered: an
/// outcome not yet written leaves its intent without one, which a resume
/// treats as it treats a command that was in flight (verify, or the
/// operator's word), never as done and never as not sent.
///
/// A write that fails fails every later one with the same error: a run whose
/// journal cannot be written must stop starting work, and an event lost from
/// the middle of its chain must not be papered over by the ones after it.
final class GroupCommit: Sendable {
    private let journal: Journal
    private let fence: RunFence?
    private let clock: any EngineClock
    /// How long a buffered event may wait for a commit to ride along with.
    private let interval: Duration
    /// How many buffered events are written without waiting for `interval`.
    private let limit: Int

    private struct State {
        var pending: [JournalEvent.Draft] = []
        /// Transactions written so far (failed ones included).
        var written = 0
        /// The writer task runs (it takes what is pending until nothing is).
        var writing = false
        /// A transaction has been taken from `pending` and is being written; what arrives meanwhile waits for the next.
        var inFlight = false
        /// Commits waiting until `written` reaches their number.
        var waiters: [(transaction: Int, continuation: CheckedContinuation<Void, Never>)] = []
        var failure: JournalError?
        var timer: Task<Void, Never>?
    }

    /// Under a lock rather than in an actor: buffering is synchronous, so an event buffered from a
    /// callback (a process group starting) keeps its place before the outcome that follows it.
    private let state = Mutex(State())

    init(journal: Journal, fence: RunFence?, clock: any EngineClock, interval: Duration, limit: Int) {
        self.journal = journal
        self.fence = fence
        self.clock = clock
        self.interval = interval
        self.limit = limit
    }

    /// Keeps `drafts` for the next transaction; never waits for the disk.
    func buffer(_ drafts: [JournalEvent.Draft]) {
        enum Next { case nothing, write, armTimer }
        let next: Next = state.withLock { state in
            guard state.failure == nil, !drafts.isEmpty else { return .nothing }
            state.pending += drafts
            if state.pending.count >= limit, !state.writing {
                state.writing = true
                return .write
            }
            return state.timer == nil && !state.writing ? .armTimer : .nothing
        }
        switch next {
        case .nothing: break
        case .write: startWriting()
        case .armTimer:
            let (clock, interval) = (self.clock, self.interval)
            let timer = Task {
                try? await clock.sleep(for: interval)
                guard !Task.isCancelled else { return }
                self.intervalPassed()
            }
            // Another event may have armed one meanwhile: one timer is enough.
            let kept = state.withLock { state in
                guard state.timer == nil else { return false }
                state.timer = timer
                return true
            }
            if !kept { timer.cancel() }
        }
    }

    /// `drafts` and everything buffered before them, durable when this returns.
    func commit(_ drafts: [JournalEvent.Draft]) async throws(JournalError) {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            enum Next { case done, wait, write }
            let next: Next = state.withLock { state in
                guard state.failure == nil else { return .done }
                state.pending += drafts
                // The transaction that holds them: the next one, or the one after the one being written;
                // with nothing pending, the one being written (what it holds was buffered before this call).
                let transaction: Int
                if !state.pending.isEmpty {
                    transaction = state.written + (state.inFlight ? 2 : 1)
                } else if state.inFlight {
                    transaction = state.written + 1
                } else {
                    return .done
                }
                state.waiters.append((transaction, continuation))
                guard !state.writing else { return .wait }
                state.writing = true
                return .write
            }
            switch next {
            case .done: continuation.resume()
            case .wait: break
            case .write: startWriting()
            }
        }
        if let failure = state.withLock({ $0.failure }) { throw failure }
    }

    /// Everything buffered, durable when this returns.
    func flush() async throws(JournalError) {
        try await commit([])
        state.withLock { state in
            state.timer?.cancel()
            state.timer = nil
        }
    }

    private func intervalPassed() {
        let write = state.withLock { state in
            state.timer = nil
            guard !state.writing, !state.pending.isEmpty else { return false }
            state.writing = true
            return true
        }
        if write { startWriting() }
    }

    /// Starts the writer; the caller set `writing`.
    private func startWriting() {
        Task { await self.writeUntilEmpty() }
    }

    /// Writes what is pending, one transaction after the other, until nothing is.
    private func writeUntilEmpty() async {
        while true {
            let batch: [JournalEvent.Draft]? = state.withLock { state in
                guard !state.pending.isEmpty else {
                    state.writing = false
                    return nil
                }
                defer { state.pending = [] }
                state.inFlight = true
                return state.failure == nil ? state.pending : []
            }
            guard let batch else { break }
            var failed: JournalError?
            if !batch.isEmpty {
                do {
                    try await journal.append(batch, fence: fence)
                } catch {
                    failed = error
                }
            }
            let done = state.withLock { state in
                if let failed, state.failure == nil { state.failure = failed }
                state.written += 1
                state.inFlight = false
                let written = state.written
                let done = state.waiters.filter { $0.transaction <= written }.map(\.continuation)
                state.waiters.removeAll { $0.transaction <= written }
                return done
            }
            for continuation in done { continuation.resume() }
        }
    }
}
