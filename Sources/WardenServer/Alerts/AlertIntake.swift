import Synchronization
import WardenCore

/// The receiver's side of the alert service: journals deliveries with whatever else arrived
/// meanwhile, in one durable write (ten Alertmanagers, or one retrying, sending at once wait for
/// one sync to disk, not ten in a row), and keeps each one's decoding until it is decided.
///
/// Apart from `AlertService` on purpose: a delivery is answered once it is durable, and must not
/// also wait its turn on the actor that decides deliveries and starts runs (Alertmanager gives
/// up on a send that takes longer than its group interval, and sends it again).
final class AlertIntake: Sendable {
    typealias Decoded = Result<AlertmanagerDelivery, AlertmanagerDeliveryError>

    private struct Queued {
        var draft: AlertInputDraft
        var decoded: Decoded
        var answer: CheckedContinuation<Result<Int, JournalError>, Never>
    }

    private struct State {
        /// Deliveries waiting for the write under way, and whether one is under way.
        var queued: [Queued] = []
        var committing = false
        /// Deliveries decoded on receipt, by input number, until decided (the same bytes decode
        /// the same way, so the decider need not read and decode them again).
        var decoded: [Int: Decoded] = [:]
    }

    private let journal: Journal
    private let clock: any EngineClock
    private let state = Mutex(State())
    /// Told after each write, to decide what it journaled.
    private let committed: @Sendable () -> Void

    init(journal: Journal, clock: any EngineClock, committed: @escaping @Sendable () -> Void) {
        self.journal = journal
        self.clock = clock
        self.committed = committed
    }

    /// Journals `draft` (its body decoded as `decoded`) in the next group write: its input number.
    func journal(_ draft: AlertInputDraft, decoded: Decoded) async -> Result<Int, JournalError> {
        await withCheckedContinuation { answer in
            let first: Bool = state.withLock { state in
                state.queued.append(Queued(draft: draft, decoded: decoded, answer: answer))
                guard !state.committing else { return false }
                state.committing = true
                return true
            }
            if first { Task { await self.commitQueued() } }
        }
    }

    /// Writes what is queued, batch after batch, until nothing is.
    private func commitQueued() async {
        while true {
            let batch: [Queued] = state.withLock { state in
                let batch = state.queued
                state.queued = []
                if batch.isEmpty { state.committing = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                let entries = try await journal.appendAlertInputs(batch.map(\.draft), at: clock.now)
                state.withLock { state in
                    for (item, entry) in zip(batch, entries) { state.decoded[entry.sequence] = item.decoded }
                }
                for (item, entry) in zip(batch, entries) { item.answer.resume(returning: .success(entry.sequence)) }
            } catch {
                for item in batch { item.answer.resume(returning: .failure(error)) }
            }
            committed()
        }
    }

    /// Deliveries waiting for the next write (the one under way has taken its own).
    var waiting: Int {
        state.withLock { $0.queued.count }
    }

    /// The decoding of input `sequence`, taken (nil when it was not received here).
    func takeDecoded(_ sequence: Int) -> Decoded? {
        state.withLock { $0.decoded.removeValue(forKey: sequence) }
    }

    /// Drops decodings of inputs before `next`: a decoding kept after the decider read its input
    /// (the write and the read crossed) is not needed.
    func forget(before next: Int) {
        state.withLock { state in
            if let oldest = state.decoded.keys.min(), oldest < next { state.decoded = state.decoded.filter { $0.key >= next } }
        }
    }
}
