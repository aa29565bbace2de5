import Foundation
import Synchronization

/// The jump relays of one `SSHClient`: one session per jump host carries
/// every target behind it (a second one only when the first carries
/// `channelsPerSession` already), opened once however many targets ask at
/// the same moment, and a jump host that failed fails every target that was
/// waiting for it with its own error rather than being tried again by each.
final class JumpRelays: Sendable {
    /// Channels one jump session carries before another session is opened.
    /// OpenSSH does not count `direct-tcpip` channels against MaxSessions, but
    /// a busy relay thread is one thread for all of them.
    static let channelsPerSession = 64

    private let relays = Mutex<[SSHTarget: [JumpRelay]]>([:])
    private let openers = Mutex<[SSHTarget: Opener]>([:])

    /// Serializes opening sessions to one jump host and remembers its last failure.
    private final class Opener: @unchecked Sendable {
        let lock = NSLock()
        var failure: (error: SSHError, at: ContinuousClock.Instant)?
    }

    /// A socket carried to `target` through its last hop; the hops before
    /// it are reached the same way. Blocking: call on a pool thread.
    func tunnel(to target: SSHTarget, keys: PrivateKeyStore, cancellation: CancellationFlag) throws(SSHError) -> Int32 {
        guard var hop = target.jump.last else {
            throw SSHError(.invalidConfiguration, host: target.label, detail: "no jump host to tunnel through", remedy: "This is a bug in Warden")
        }
        hop.jump = Array(target.jump.dropLast())
        var relay = try relay(for: hop, keys: keys, cancellation: cancellation, asking: target)
        var result = relay.open(host: target.address, port: target.port, timeout: hop.connectTimeout)
        // A bastion that limits channels per connection says "resource shortage" (open failure
        // reason 4): that session carries what it has, and a second session carries the rest.
        if case let .failure(refusal) = result, Self.isResourceShortage(refusal.why) {
            relay.markFull()
            relay = try self.relay(for: hop, keys: keys, cancellation: cancellation, asking: target)
            result = relay.open(host: target.address, port: target.port, timeout: hop.connectTimeout)
        }
        switch result {
        case let .success(socket):
            return socket
        case let .failure(refusal):
            let prohibited = refusal.why.contains("(1:")
            throw SSHError(.unreachable, host: target.label, detail: "through jump host \(hop.label): \(refusal.why)",
                           remedy: prohibited
                               ? "\(hop.name) refuses to forward connections: its sshd needs AllowTcpForwarding yes (or local) for \(hop.user)"
                               : "Check that \(target.address):\(target.port) is reachable from \(hop.name) (nc -vz from there) and that sshd runs on it")
        }
    }

    /// libssh words a refused channel `Channel opening failure: channel N error (CODE:…)`.
    private static func isResourceShortage(_ why: String) -> Bool {
        why.contains("(4:") || why.localizedCaseInsensitiveContains("resource shortage")
    }

    /// Stops every relay (after the target sessions through them are gone).
    func closeAll() {
        let all = relays.withLock { store in
            let taken = store.values.flatMap { $0 }
            store.removeAll()
            return taken
        }
        for relay in all { relay.stop() }
    }

    private func relay(for hop: SSHTarget, keys: PrivateKeyStore, cancellation: CancellationFlag,
                       asking target: SSHTarget) throws(SSHError) -> JumpRelay {
        if let ready = usable(hop) { return ready }
        let opener = openers.withLock { store in
            if let existing = store[hop] { return existing }
            let made = Opener()
            store[hop] = made
            return made
        }
        let asked = ContinuousClock.now
        opener.lock.lock()
        defer { opener.lock.unlock() }
        if let ready = usable(hop) { return ready }
        // It failed while this one waited: the same answer, not one more attempt per target.
        if let failure = opener.failure, failure.at >= asked {
            throw Self.blame(failure.error, target: target)
        }
        do {
            let session = try SSHSession.open(target: hop, keys: keys, relays: self, cancellation: cancellation)
            let relay = try JumpRelay(hop: hop, session: session)
            relays.withLock { $0[hop, default: []].append(relay) }
            opener.failure = nil
            return relay
        } catch {
            opener.failure = (error, ContinuousClock.now)
            throw Self.blame(error, target: target)
        }
    }

    private func usable(_ hop: SSHTarget) -> JumpRelay? {
        relays.withLock { store in
            store[hop]?.removeAll { !$0.isUsable }
            return store[hop]?.first { $0.channelCount < Self.channelsPerSession }
        }
    }

    /// The jump host's failure, told as the target's: the target was not
    /// reached because of it, and the jump host names itself. In a chain the
    /// jump host's own error may already blame the hop before it; it is kept
    /// whole inside, so the target's error reads outward from the target.
    private static func blame(_ error: SSHError, target: SSHTarget) -> SSHError {
        let kind: SSHError.Kind = error.kind == .cancelled ? .cancelled : .unreachable
        return SSHError(kind, host: target.label, detail: "its jump host \(error.host) failed: \(error.kind.phrase): \(error.detail)",
                        remedy: error.remedy)
    }
}
