import PostgresNIO

/// What went wrong talking to the journal database, in words an operator can act on, and
/// whether trying again on a new connection may help. Never the query's values: postgres-nio
/// hides the server's message from `description` for that reason, and Warden says only the
/// server's message and SQLSTATE, which name no values of the journal.
struct PostgresFailure {
    let text: String
    /// The connection broke or the server is restarting: nothing of the transaction was kept,
    /// and a new connection may well succeed.
    let connectionLost: Bool
    /// The server ended the session inside the transaction, so none of it was kept, even when
    /// the statement that found out was its COMMIT: it may be tried again whole.
    let transactionEnded: Bool

    init(_ error: any Error) {
        transactionEnded = error is TransactionLost || (error as? PSQLError)?.serverInfo?[.sqlState] == Self.idleInTransactionTimeout
        if error is TransactionLost {
            text = "the connection closed inside a transaction (the server ended the session); nothing of it was kept"
            connectionLost = true
        } else if let psql = error as? PSQLError {
            let state = psql.serverInfo?[.sqlState]
            let message = psql.serverInfo?[.message]
            if let state, let message {
                text = "\(message) (SQLSTATE \(state))"
            } else {
                text = "\(psql.code)" + (psql.underlying.map { ": \($0)" } ?? "")
            }
            // 08: connection exception; 57P01-57P03: the server is shutting down or starting; 25P03:
            // it ended a session idle inside a transaction (a frozen writer), and the FATAL message
            // can be read before the closed socket is seen.
            let serverGoing = state.map { $0.hasPrefix("08") || ["57P01", "57P02", "57P03", Self.idleInTransactionTimeout].contains($0) } ?? false
            connectionLost = serverGoing || [.connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown,
                                             .failedToAddSSLHandler].contains(psql.code) && state == nil
        } else if let channel = error as? ChannelError {
            text = "\(channel)"
            connectionLost = true
        } else if error is NIOConnectionError || error is IOError {
            text = "\(error)"
            connectionLost = true
        } else {
            text = "\(error)"
            connectionLost = false
        }
    }

    /// SQLSTATE idle_in_transaction_session_timeout.
    static let idleInTransactionTimeout = "25P03"
}
