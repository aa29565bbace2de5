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

    init(_ error: any Error) {
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
            // 08: connection exception; 57P01-57P03: the server is shutting down or starting.
            let serverGoing = state.map { $0.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains($0) } ?? false
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
}
