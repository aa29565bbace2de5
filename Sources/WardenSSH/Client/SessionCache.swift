import Synchronization

/// Authenticated sessions kept between commands, so that every command after
/// the first on a host costs a channel (a few ms) rather than a handshake.
///
/// A session is lent to one worker at a time: `checkOut` removes it,
/// `checkIn` returns it. Two commands at once on one host get two sessions.
final class SessionCache: Sendable {
    private let idle = Mutex<[SSHTarget: [SSHSession]]>([:])

    func checkOut(_ target: SSHTarget) -> SSHSession? {
        idle.withLock { $0[target]?.popLast() }
    }

    func checkIn(_ session: SSHSession) {
        idle.withLock { $0[session.target, default: []].append(session) }
    }

    /// Takes every idle session out, e.g. to close them or send keepalives.
    func drain() -> [SSHSession] {
        idle.withLock { store in
            let all = store.values.flatMap { $0 }
            store.removeAll()
            return all
        }
    }

    var count: Int { idle.withLock { $0.values.reduce(0) { $0 + $1.count } } }
}
