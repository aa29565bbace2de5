import CLibSSH
import Foundation
import Synchronization

/// One SSH session to a jump host, carrying `direct-tcpip` channels to the
/// hosts behind it, each bridged to a socketpair whose other end a target's
/// own libssh session uses as its socket (`SSH_OPTIONS_FD`).
///
/// libssh lets one thread at a time use a session, and the target sessions
/// read and write their sockets whenever their own pool threads need to. So
/// the relay owns its session on a thread of its own that does nothing but
/// move bytes: socket to channel, channel to socket, and open the channels
/// asked for. The target sessions stay ordinary sessions on ordinary pool
/// threads; both host keys are checked, each by its own session.
final class JumpRelay: @unchecked Sendable {
    /// The jump host, as connected to (through the hops before it, if any).
    let hop: SSHTarget
    private let session: SSHSession
    private let wake: (read: Int32, write: Int32)
    private let state = Mutex(State())
    private let finished = DispatchSemaphore(value: 0)

    private struct State {
        var requests: [OpenRequest] = []
        var channels = 0
        /// The jump host refused a channel for want of resources: no more are asked of this session.
        var full = false
        var stopping = false
        /// Why the session ended, once it has: every later open fails with it.
        var failure: String?
    }

    /// A channel asked for by a target's connecting thread, answered by the relay thread.
    final class OpenRequest: Sendable {
        let host: String
        let port: Int
        let answered = DispatchSemaphore(value: 0)
        private let outcome = Mutex<(socket: Int32?, failure: String?, abandoned: Bool)>((nil, nil, false))

        init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        var socket: Int32? { outcome.withLock { $0.socket } }
        var failure: String? { outcome.withLock { $0.failure } }

        /// Hands the socket over; false when the asker gave up waiting (the caller then closes it).
        func deliver(_ socket: Int32) -> Bool {
            let taken = outcome.withLock { state -> Bool in
                guard !state.abandoned else { return false }
                state.socket = socket
                return true
            }
            answered.signal()
            return taken
        }

        func refuse(_ why: String) {
            outcome.withLock { $0.failure = why }
            answered.signal()
        }

        /// The asker stops waiting: a socket delivered from now on is not taken. Returns one delivered meanwhile.
        func abandon() -> Int32? {
            outcome.withLock { state in
                state.abandoned = true
                return state.socket
            }
        }
    }

    /// Takes over `session` (no other thread may use it from here on) and starts its thread.
    init(hop: SSHTarget, session: SSHSession) throws(SSHError) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            throw SSHError(.channelFailure, host: hop.label, detail: "could not make a pipe for the jump relay (errno \(errno))",
                           remedy: "The controller is out of file descriptors; raise its limit")
        }
        _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
        _ = fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK)
        self.hop = hop
        self.session = session
        self.wake = (fds[0], fds[1])
        let thread = Thread { [self] in
            self.run()
            self.finished.signal()
        }
        thread.name = "warden-jump \(hop.name)"
        thread.start()
    }

    deinit {
        close(wake.read)
        close(wake.write)
    }

    /// Whether the session still carries channels and can open more.
    var isUsable: Bool { state.withLock { !$0.stopping && $0.failure == nil && !$0.full } }

    /// No more channels on this session (the server said it has no room); it keeps the ones it has.
    func markFull() {
        state.withLock { $0.full = true }
    }

    /// Channels open or being opened.
    var channelCount: Int { state.withLock { $0.channels } }

    /// Opens a channel to `host:port` from the jump host and returns the
    /// controller's end of a socketpair bridged to it. Blocking: called on a
    /// pool thread while it connects a target. The caller owns the socket.
    func open(host: String, port: Int, timeout: Duration) -> Result<Int32, Refusal> {
        let request = OpenRequest(host: host, port: port)
        let refused: String? = state.withLock { state in
            if let failure = state.failure { return failure }
            if state.stopping { return "the controller is closing its connections" }
            state.channels += 1
            state.requests.append(request)
            return nil
        }
        if let refused { return .failure(Refusal(why: refused)) }
        poke()
        // The relay answers within the session's own timeout; the margin covers a busy relay thread.
        let seconds = Double(timeout.components.seconds) + 5
        guard request.answered.wait(timeout: .now() + seconds) == .success else {
            // Delivered between the timeout and now: closing it ends the channel on the relay's side.
            if let late = request.abandon() { close(late) }
            return .failure(Refusal(why: "no answer from the jump host within \(Int(seconds)) s"))
        }
        if let failure = request.failure { return .failure(Refusal(why: failure)) }
        guard let socket = request.socket else { return .failure(Refusal(why: "the relay answered without a socket")) }
        return .success(socket)
    }

    /// Why a channel could not be had.
    struct Refusal: Error {
        let why: String
    }

    /// Stops the relay: closes every channel and the session, on its own thread, and waits for it.
    func stop() {
        state.withLock { $0.stopping = true }
        poke()
        finished.wait()
    }

    private func poke() {
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)
    }

    // MARK: The relay thread

    /// One bridged channel.
    private final class Tunnel {
        let channel: OpaquePointer
        let socket: Int32
        /// Read from the channel, not yet taken by the socket.
        var toSocket: [UInt8] = []
        var closed = false

        init(channel: OpaquePointer, socket: Int32) {
            self.channel = channel
            self.socket = socket
        }
    }

    private func run() {
        var tunnels: [Tunnel] = []
        var buffer = [UInt8](repeating: 0, count: 32 * 1024)
        let raw = session.raw
        // After a pass that moved bytes, look again at once: libssh may hold packets for another
        // channel that it read while serving this one, which the socket's poll would not show.
        var moved = false
        // Reads and handles the session's packets when its socket is readable, whether or not a
        // channel asks: with no channel open, what the server sends (a keepalive, a global request)
        // would otherwise stay unread and keep poll(2) returning at once.
        guard let event = ssh_event_new() else {
            state.withLock { $0.failure = "could not allocate a poll event for the jump host's session" }
            return
        }
        ssh_event_add_session(event, raw)
        defer {
            ssh_event_remove_session(event, raw)
            ssh_event_free(event)
        }
        while true {
            let (requests, stopping) = state.withLock { state -> ([OpenRequest], Bool) in
                let taken = state.requests
                state.requests = []
                return (taken, state.stopping)
            }
            if stopping {
                for request in requests { answer(request, failure: "the controller is closing its connections") }
                break
            }
            for request in requests {
                if let tunnel = openTunnel(request) { tunnels.append(tunnel) }
            }

            var fds = [pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0), pollfd(fd: ssh_get_fd(raw), events: Int16(POLLIN), revents: 0)]
            for tunnel in tunnels {
                var events = Int16(POLLIN)
                if !tunnel.toSocket.isEmpty { events |= Int16(POLLOUT) }
                fds.append(pollfd(fd: tunnel.socket, events: events, revents: 0))
            }
            _ = poll(&fds, nfds_t(fds.count), moved ? 0 : 50)
            if fds[0].revents != 0 { drainWake() }
            if fds[1].revents != 0 { _ = ssh_event_dopoll(event, 0) }

            moved = false
            for (index, tunnel) in tunnels.enumerated() where !tunnel.closed {
                if pump(tunnel, readable: fds[index + 2].revents != 0, buffer: &buffer) { moved = true }
            }
            if !session.isConnected {
                let why = "the jump host closed the connection (\(session.libsshError))"
                state.withLock { $0.failure = why }
                for tunnel in tunnels { tunnel.closed = true }
            }
            let ended = tunnels.filter(\.closed)
            if !ended.isEmpty {
                for tunnel in ended { release(tunnel) }
                tunnels.removeAll { $0.closed }
                state.withLock { $0.channels -= ended.count }
            }
            if state.withLock({ $0.failure != nil }) {
                let pending = state.withLock { state -> [OpenRequest] in
                    let taken = state.requests
                    state.requests = []
                    return taken
                }
                for request in pending { answer(request, failure: state.withLock { $0.failure } ?? "the jump host failed") }
                if tunnels.isEmpty { break }
            }
        }
        for tunnel in tunnels { release(tunnel) }
        session.disconnect()
    }

    private func openTunnel(_ request: OpenRequest) -> Tunnel? {
        let raw = session.raw
        guard let channel = ssh_channel_new(raw) else {
            answer(request, failure: "could not allocate a channel on the jump host's session")
            return nil
        }
        guard ssh_channel_open_forward(channel, request.host, Int32(request.port), "127.0.0.1", 0) == SSH_OK else {
            let why = "the jump host could not reach \(request.host):\(request.port): \(session.libsshError)"
            ssh_channel_free(channel)
            answer(request, failure: why)
            return nil
        }
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0 else {
            _ = ssh_channel_close(channel)
            ssh_channel_free(channel)
            answer(request, failure: "could not make a socketpair (errno \(errno))")
            return nil
        }
        _ = fcntl(pair[0], F_SETFL, fcntl(pair[0], F_GETFL) | O_NONBLOCK)
        let tunnel = Tunnel(channel: channel, socket: pair[0])
        if !request.deliver(pair[1]) {
            // Nobody waits for it any more: the channel ends at once (its end of the pair is closed).
            close(pair[1])
            tunnel.closed = true
        }
        return tunnel
    }

    private func answer(_ request: OpenRequest, failure: String) {
        state.withLock { $0.channels -= 1 }
        request.refuse(failure)
    }

    /// Moves what is waiting in both directions. A write to the channel may
    /// wait for the far side's window (libssh processes packets meanwhile);
    /// writes to the socket never wait: what it cannot take now is kept.
    /// Returns whether any byte moved.
    @discardableResult
    private func pump(_ tunnel: Tunnel, readable: Bool, buffer: inout [UInt8]) -> Bool {
        var moved = false
        defer { if tunnel.closed { moved = true } }
        if readable {
            let count = buffer.withUnsafeMutableBytes { recv(tunnel.socket, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count > 0 {
                moved = true
                var sent = 0
                while sent < count {
                    let written = buffer[sent..<count].withUnsafeBytes { ssh_channel_write(tunnel.channel, $0.baseAddress, UInt32($0.count)) }
                    if written <= 0 { tunnel.closed = true; return true }
                    sent += Int(written)
                }
            } else if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                // The target's session let go of its socket: end the channel.
                _ = ssh_channel_send_eof(tunnel.channel)
                tunnel.closed = true
                return true
            }
        }
        while tunnel.toSocket.count < 1 << 20 {
            let count = buffer.withUnsafeMutableBytes { ssh_channel_read_nonblocking(tunnel.channel, $0.baseAddress, UInt32($0.count), 0) }
            if count > 0 {
                moved = true
                tunnel.toSocket.append(contentsOf: buffer[0..<Int(count)])
            } else {
                if count == SSH_ERROR { tunnel.closed = true }
                break
            }
        }
        if !tunnel.toSocket.isEmpty {
            let written = tunnel.toSocket.withUnsafeBytes { send(tunnel.socket, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL)) }
            if written > 0 {
                moved = true
                tunnel.toSocket.removeFirst(written)
            } else if written < 0, errno != EAGAIN, errno != EWOULDBLOCK, errno != EINTR {
                tunnel.closed = true
            }
        }
        if tunnel.toSocket.isEmpty, ssh_channel_is_eof(tunnel.channel) != 0 || ssh_channel_is_open(tunnel.channel) == 0 {
            tunnel.closed = true
        }
        return moved
    }

    private func release(_ tunnel: Tunnel) {
        close(tunnel.socket)
        if ssh_channel_is_open(tunnel.channel) != 0 { _ = ssh_channel_close(tunnel.channel) }
        ssh_channel_free(tunnel.channel)
    }

    private func drainWake() {
        var scratch = [UInt8](repeating: 0, count: 64)
        while scratch.withUnsafeMutableBytes({ read(wake.read, $0.baseAddress, $0.count) }) > 0 {}
    }
}
