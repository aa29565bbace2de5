import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import WardenCore

/// One connection to the journal database, used by one thread at a time (the `PostgresLanes`
/// pool hands it out): connected when first needed and again after it broke.
///
/// The journal's protocol is synchronous inside a transaction (`JournalReader` calls return
/// values), and postgres-nio is asynchronous, so a transaction runs on a thread of its own
/// (never the cooperative pool) that waits on each query's future; the connection's I/O stays
/// on its event loop.
final class PostgresLane: @unchecked Sendable {
    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    private let id: Int
    /// Only touched by the thread holding the lane.
    private var connection: PostgresConnection?
    /// Between `begin` and `end`: the statements belong to one transaction on `connection`, and
    /// a connection found closed is not replaced (see `TransactionLost`).
    private var inTransaction = false

    init(configuration: PostgresConnection.Configuration, logger: Logger, id: Int) {
        self.configuration = configuration
        self.logger = logger
        self.id = id
    }

    /// The open connection, connecting first if there is none (blocks this thread).
    func open() throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        connection = nil
        let connected = try PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration,
                                                       id: id, logger: logger).wait()
        connection = connected
        return connected
    }

    /// Drops the connection (after a failure that may have left it unusable).
    func reset() {
        if let connection { PostgresLane.close(connection) }
        connection = nil
        inTransaction = false
    }

    /// Closes `connection`, keeping it alive until it is closed (postgres-nio checks that a
    /// connection is closed before it goes).
    private static func close(_ connection: PostgresConnection) {
        let closing: EventLoopFuture<Void> = connection.close()
        closing.whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    /// Runs `query` and waits for all of its rows. Outside a transaction a broken connection is
    /// replaced first; inside one it is not: a statement sent on a new connection would run
    /// on its own, outside the transaction, its lock and its rollback.
    func query(_ query: PostgresQuery) throws -> PostgresQueryResult {
        if inTransaction, connection?.isClosed ?? true { throw TransactionLost() }
        return try open().query(query, logger: logger).wait()
    }

    /// Opens a transaction with `statement` (`BEGIN ...`), connecting first if need be.
    func begin(_ statement: PostgresQuery) throws {
        inTransaction = false
        _ = try query(statement)
        inTransaction = true
    }

    /// The transaction is over (committed, rolled back, or lost).
    func end() {
        inTransaction = false
    }

    deinit {
        if let connection { PostgresLane.close(connection) }
    }
}

/// A transaction's connection was found closed before its next statement was sent: the server
/// ended the session (it restarted, or the session sat idle in the transaction past
/// `idle_in_transaction_session_timeout`: a frozen controller) and rolled the transaction back.
/// Nothing of it was kept, even if the statement about to go was its COMMIT.
struct TransactionLost: Error {}
