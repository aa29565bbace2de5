/// Sessions on their way out. The batch is emptied on a pool thread, so the
/// sessions' last references (and with them `ssh_disconnect`, `ssh_free`)
/// go there, not to whichever thread happens to release the batch.
final class SessionBatch: @unchecked Sendable {
    // Touched by one pool job only.
    private var sessions: [SSHSession]

    init(_ sessions: [SSHSession]) {
        self.sessions = sessions
    }

    var isEmpty: Bool { sessions.isEmpty }

    /// Disconnects and frees every session. Blocking: call on a pool thread.
    func teardown() {
        for session in sessions { session.disconnect() }
        sessions.removeAll()
    }

    /// Sends a keepalive on every session idle for `interval`, returns the
    /// live ones to the cache and tears down the dead. Blocking: call on a pool thread.
    func keepAlive(olderThan interval: Duration, now: ContinuousClock.Instant, returningTo cache: SessionCache) {
        for session in sessions {
            if now - session.lastUsed >= interval {
                guard session.sendKeepalive(), session.isConnected else { session.disconnect(); continue }
                session.lastUsed = now
            }
            cache.checkIn(session)
        }
        sessions.removeAll()
    }
}
