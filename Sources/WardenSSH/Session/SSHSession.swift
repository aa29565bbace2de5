import CLibSSH
import Foundation

/// One authenticated libssh session to one host.
///
/// libssh allows a session to be used by one thread at a time; an
/// `SSHSession` is only ever touched by the pool worker that checked it out
/// of the `SessionCache`, which is why it can be `@unchecked Sendable`.
final class SSHSession: @unchecked Sendable {
    let target: SSHTarget
    let raw: OpaquePointer
    /// When the session last carried traffic, for keepalives.
    var lastUsed = ContinuousClock.now

    private init(target: SSHTarget, raw: OpaquePointer) {
        self.target = target
        self.raw = raw
    }

    deinit {
        disconnect()
        ssh_free(raw)
    }

    /// Says goodbye to the server. Blocking (it sends a packet); idempotent.
    func disconnect() {
        if ssh_is_connected(raw) != 0 { ssh_disconnect(raw) }
    }

    /// Connects, verifies the host key, and authenticates. Blocking: call on a
    /// pool thread. Cancellation is honoured while connecting, where an
    /// unreachable or wedged host can hold a worker for the whole timeout.
    static func open(target: SSHTarget, keys: PrivateKeyStore, relays: JumpRelays, cancellation: CancellationFlag) throws(SSHError) -> SSHSession {
        guard let raw = ssh_new() else {
            throw SSHError(.channelFailure, host: target.label, detail: "libssh could not allocate a session",
                           remedy: "The controller is out of memory; retry when it has recovered")
        }
        let session = SSHSession(target: target, raw: raw)
        // An expired certificate is named before anything is sent to the host.
        let certificate = try target.certificate.map { path throws(SSHError) in try CertificateCheck.validate(path, for: target) }
        try session.configure()
        if !target.jump.isEmpty {
            // libssh connects over this socket as over a TCP one, and closes it with the session.
            let socket = try relays.tunnel(to: target, keys: keys, cancellation: cancellation)
            try session.set(SSH_OPTIONS_FD, socket)
        }
        try session.connect(cancellation: cancellation)
        do {
            try session.verifyHostKey()
            try session.authenticate(keys: keys, certificate: certificate)
        } catch let error as SSHError {
            throw error
        } catch {
            throw SSHError(.authFailed, host: target.label, detail: "\(error)", remedy: "Check the host's key and the credentials in the inventory")
        }
        return session
    }

    var isConnected: Bool { ssh_is_connected(raw) != 0 }

    /// The last error libssh recorded for this session, copied (libssh owns and reuses the buffer).
    var libsshError: String {
        guard let message = ssh_get_error(UnsafeMutableRawPointer(raw)) else { return "unknown libssh error" }
        let text = String(cString: message)
        return text.isEmpty ? "unknown libssh error" : text
    }

    /// Sends an SSH keepalive so that idle sessions survive NAT and firewall timeouts.
    func sendKeepalive() -> Bool {
        ssh_send_keepalive(raw) == SSH_OK
    }

    private func configure() throws(SSHError) {
        try set(SSH_OPTIONS_HOST, string: target.address)
        try set(SSH_OPTIONS_USER, string: target.user)
        try set(SSH_OPTIONS_PORT, UInt32(clamping: target.port))
        // Never read ~/.ssh/config or /etc/ssh/ssh_config: such a file can turn
        // StrictHostKeyChecking off, and libssh 0.10 then accepts a CHANGED key.
        try set(SSH_OPTIONS_PROCESS_CONFIG, false)
        // Without TCP_NODELAY every handshake idles ~40 ms per round in Nagle/delayed-ACK stalls.
        try set(SSH_OPTIONS_NODELAY, Int32(1))
        let (seconds, attoseconds) = target.connectTimeout.components
        try set(SSH_OPTIONS_TIMEOUT, max(0, Int(seconds)))
        try set(SSH_OPTIONS_TIMEOUT_USEC, max(0, Int(attoseconds / 1_000_000_000_000)))
        if target.connectTimeout <= .zero {
            throw SSHError(.invalidConfiguration, host: target.label, detail: "connect timeout must be positive",
                           remedy: "Set connect_timeout in the inventory to a positive duration such as 10s")
        }
        switch target.hostKeyPolicy {
        case .knownHosts(let path, _):
            try set(SSH_OPTIONS_KNOWNHOSTS, string: path)
            // Only the file the operator named is trusted, not a system-wide one.
            try set(SSH_OPTIONS_GLOBAL_KNOWNHOSTS, string: "/dev/null")
        case .pinned:
            try set(SSH_OPTIONS_KNOWNHOSTS, string: "/dev/null")
            try set(SSH_OPTIONS_GLOBAL_KNOWNHOSTS, string: "/dev/null")
        }
        if case .agent(let socket?) = target.authentication {
            try set(SSH_OPTIONS_IDENTITY_AGENT, string: socket)
        }
    }

    /// TCP connect and key exchange, in non-blocking mode so that the wait can
    /// notice cancellation: the loop wakes at least every 50 ms, and gives up
    /// at the connect timeout.
    private func connect(cancellation: CancellationFlag) throws(SSHError) {
        let clock = ContinuousClock()
        let deadline = clock.now + target.connectTimeout
        ssh_set_blocking(raw, 0)
        defer { ssh_set_blocking(raw, 1) }
        var event: OpaquePointer?
        defer {
            if let event {
                ssh_event_remove_session(event, raw)
                ssh_event_free(event)
            }
        }
        var rc = ssh_connect(raw)
        while rc == SSH_AGAIN {
            if cancellation.isCancelled {
                throw SSHError(.cancelled, host: target.label, detail: "cancelled while connecting",
                               remedy: "Nothing ran on the host")
            }
            guard clock.now < deadline else { throw handshakeTimeout(nil) }
            // The socket exists once the first ssh_connect call has made it.
            if event == nil, ssh_get_fd(raw) >= 0, let created = ssh_event_new() {
                ssh_event_add_session(created, raw)
                event = created
            }
            if let event { _ = ssh_event_dopoll(event, 50) } else { usleep(5_000) }
            rc = ssh_connect(raw)
        }
        guard rc == SSH_OK else {
            let message = libsshError
            if message.localizedCaseInsensitiveContains("timeout") { throw handshakeTimeout(message) }
            // The controller's limit, not the host's fault: libssh could not make a socket here.
            if message.contains("Too many open files") {
                var limit = rlimit()
                let soft = getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 ? " (\(limit.rlim_cur))" : ""
                throw SSHError(.unreachable, host: target.label, detail: "this controller ran out of file descriptors\(soft): \(message)",
                               remedy: "Nothing ran on the host. Each host of a run keeps its connection open until the run ends: raise the limit (ulimit -n, LimitNOFILE= for warden serve) above the number of hosts plus 64, or run fewer hosts at once")
            }
            throw SSHError(.unreachable, host: target.label, detail: message,
                           remedy: "Check the address and port in the inventory, that the host is up, and that sshd runs and is reachable from here")
        }
    }

    private func handshakeTimeout(_ libsshMessage: String?) -> SSHError {
        SSHError(.connectTimeout, host: target.label,
                 detail: "no SSH handshake within \(target.connectTimeout.shortText)" + (libsshMessage.map { " (\($0))" } ?? ""),
                 remedy: "Check that the host is up and that sshd listens on port \(target.port); raise connect_timeout for slow links")
    }

    // MARK: Options with the C widths libssh reads (a wrong width compiles silently).

    private func set(_ option: ssh_options_e, string: String) throws(SSHError) {
        try checkOption(ssh_options_set(raw, option, string), option)
    }

    /// `value`'s type must be the C type libssh reads for `option`: Int32 for
    /// int, UInt32 for unsigned int, Int for long, Bool for bool.
    func set<Value: BitwiseCopyable>(_ option: ssh_options_e, _ value: Value) throws(SSHError) {
        var value = value
        try checkOption(ssh_options_set(raw, option, &value), option)
    }

    private func checkOption(_ rc: Int32, _ option: ssh_options_e) throws(SSHError) {
        guard rc == SSH_OK else {
            throw SSHError(.invalidConfiguration, host: target.label,
                           detail: "libssh rejected option \(option.rawValue): \(libsshError)",
                           remedy: "Check the host's address, user and paths in the inventory")
        }
    }
}
