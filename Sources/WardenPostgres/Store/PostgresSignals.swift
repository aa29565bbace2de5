import Foundation
import Logging
import PostgresNIO
import Synchronization
import WardenCore

/// The journal's signals between controllers (`JournalSignal`) over PostgreSQL's LISTEN/NOTIFY:
/// writes send them with `pg_notify` (delivered at commit), and one connection of this
/// controller's own listens for them while anyone subscribes. Only wake-ups: a signal lost while
/// that connection was down is made up for by a `.work` after each reconnect, and by polling.
/// This connection must reach the server directly (not through PgBouncer's transaction pooling,
/// which does not carry LISTEN).
final class PostgresSignals: Sendable {
    static let workChannel = "warden_work"
    static let stopChannel = "warden_stop"

    /// The subscribers' streams, apart from the listener so it can outlive nothing it holds.
    final class Subscribers: Sendable {
        private let continuations = Mutex<[UUID: AsyncStream<JournalSignal>.Continuation]>([:])

        func add(_ continuation: AsyncStream<JournalSignal>.Continuation) -> UUID {
            let id = UUID()
            continuations.withLock { $0[id] = continuation }
            return id
        }

        func remove(_ id: UUID) {
            _ = continuations.withLock { $0.removeValue(forKey: id) }
        }

        func send(_ signal: JournalSignal) {
            for continuation in continuations.withLock({ Array($0.values) }) { continuation.yield(signal) }
        }
    }

    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    private let subscribers = Subscribers()
    private let listener = Mutex<Task<Void, Never>?>(nil)

    init(configuration: PostgresConnection.Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// The signals from now on; the listening connection opens with the first subscriber.
    func stream() -> AsyncStream<JournalSignal> {
        let (stream, continuation) = AsyncStream<JournalSignal>.makeStream(bufferingPolicy: .bufferingNewest(256))
        let id = subscribers.add(continuation)
        continuation.onTermination = { [subscribers] _ in subscribers.remove(id) }
        listener.withLock { task in
            guard task == nil else { return }
            task = Task.detached { [configuration, logger, subscribers] in
                await PostgresSignals.listen(configuration: configuration, logger: logger, to: subscribers)
            }
        }
        return stream
    }

    /// Listens on both channels, reconnecting after a failure (backing off to 5 s), until cancelled.
    private static func listen(configuration: PostgresConnection.Configuration, logger: Logger, to subscribers: Subscribers) async {
        var delay = Duration.milliseconds(200)
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(configuration: configuration, id: 10_000, logger: logger)
                delay = .milliseconds(200)
                // Whatever was signalled while nobody listened: look now.
                subscribers.send(.work)
                do {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            try await connection.listen(on: workChannel) { signals in
                                for try await _ in signals { subscribers.send(.work) }
                            }
                        }
                        group.addTask {
                            try await connection.listen(on: stopChannel) { signals in
                                for try await signal in signals { subscribers.send(.stop(runID: signal.payload)) }
                            }
                        }
                        // Either ending means the connection is gone: start again.
                        try await group.next()
                        group.cancelAll()
                    }
                } catch {}
                try? await connection.close()
            } catch {
                logger.debug("journal signals: cannot listen: \(PostgresFailure(error).text)")
            }
            do { try await Task.sleep(for: delay) } catch { return }
            delay = min(delay * 2, .seconds(5))
        }
    }

    deinit {
        listener.withLock { $0?.cancel() }
    }
}
