import Logging

/// The public face of Warden's SSH layer: runs commands on and fetches files
/// from hosts, keeping one authenticated session per host for the life of
/// the client.
///
/// All blocking libssh work happens on the process's pool of dedicated OS
/// threads (`BlockingThreadPool.shared`), which grows to the client's
/// concurrency; async callers are suspended, never blocked. Errors thrown
/// are `SSHError`s.
public final class SSHClient: Sendable {
    private let pool = BlockingThreadPool.shared
    private let cache = SessionCache()
    private let keys = PrivateKeyStore()
    private let relays = JumpRelays()
    private let settings: SSHClientSettings
    private let keepalive: KeepaliveTask
    private let logger: Logger

    public init(settings: SSHClientSettings = SSHClientSettings(), logger: Logger = Logger(label: "warden.ssh")) {
        self.settings = settings
        pool.ensureCapacity(settings.concurrency)
        self.logger = logger
        self.keepalive = KeepaliveTask()
    }

    deinit {
        keepalive.stop()
        // Dropped without close(): still tear the sessions down on a pool
        // thread, never on the (cooperative) thread that dropped the client.
        let batch = SessionBatch(cache.drain())
        let relays = self.relays
        pool.submit {
            batch.teardown()
            relays.closeAll()
        }
    }

    /// How many hosts are worked on at once.
    public var concurrency: Int { settings.concurrency }

    /// Connects, verifies and authenticates now (or finds the session warm),
    /// so that a later command pays only for its channel.
    public func connect(_ target: SSHTarget) async throws {
        try await withSession(target) { _, _ in () }
    }

    /// Runs `request` on `target`. `onOutput` sees output as it arrives (on a pool thread).
    public func exec(_ request: ExecRequest, on target: SSHTarget,
                     onOutput: (@Sendable (OutputChunk) -> Void)? = nil) async throws -> ExecResult {
        try await withSession(target) { session, flag in
            try session.exec(request, cancellation: flag, onOutput: onOutput)
        }
    }

    /// Fetches `remotePath` from `target` into `localPath` within `limits`
    /// (see `SSHSession.download`): a regular file only, never more bytes
    /// than it had when the download began nor than the cap, and not past
    /// the timeout.
    public func download(_ remotePath: String, from target: SSHTarget, to localPath: String,
                         limits: DownloadLimits = DownloadLimits()) async throws -> DownloadResult {
        try await withSession(target) { session, flag in
            try session.download(remotePath: remotePath, to: localPath, limits: limits, cancellation: flag)
        }
    }

    /// Disconnects every idle session. Await it before dropping the client:
    /// the disconnects finish on pool threads before it returns, so no libssh
    /// (or OpenSSL) work is still under way when the process exits.
    public func close() async {
        let batch = SessionBatch(cache.drain())
        let relays = self.relays
        // The jump sessions last: the sessions through them say goodbye through them.
        _ = try? await pool.run { _ in
            batch.teardown()
            relays.closeAll()
        }
    }

    /// Checks out (or opens) the host's session on a pool thread, runs `body`
    /// with it, and returns it to the cache if it is still healthy.
    private func withSession<T: Sendable>(
        _ target: SSHTarget, _ body: @escaping @Sendable (SSHSession, CancellationFlag) throws -> T
    ) async throws -> T {
        let cache = self.cache
        let keys = self.keys
        let relays = self.relays
        let logger = self.logger
        let result = try await pool.run { flag -> T in
            if flag.isCancelled {
                throw SSHError(.cancelled, host: target.label, detail: "cancelled before it started", remedy: "Nothing ran on the host")
            }
            var reused = false
            let session: SSHSession
            if let cached = cache.checkOut(target), cached.isConnected {
                session = cached
                reused = true
            } else {
                let clock = ContinuousClock()
                let start = clock.now
                session = try SSHSession.open(target: target, keys: keys, relays: relays, cancellation: flag)
                logger.debug("connected", metadata: ["host": "\(target.label)", "took": "\(clock.now - start)"])
            }
            /// Runs the body and returns a healthy session to the cache. A
            /// session whose channel would not open is dropped, not cached.
            func use(_ session: SSHSession) throws -> T {
                do {
                    let value = try body(session, flag)
                    cache.checkIn(session)
                    return value
                } catch let failure as ChannelOpenFailure {
                    throw failure
                } catch {
                    if session.isConnected { cache.checkIn(session) }
                    throw error
                }
            }
            do {
                do {
                    return try use(session)
                } catch let failure as ChannelOpenFailure where reused {
                    // A cached session that died while idle: the command never
                    // started, so one fresh session may run it.
                    logger.debug("stale session replaced", metadata: ["host": "\(target.label)", "error": "\(failure.error.detail)"])
                    return try use(SSHSession.open(target: target, keys: keys, relays: relays, cancellation: flag))
                }
            } catch let failure as ChannelOpenFailure {
                throw failure.error
            }
        }
        startKeepaliveIfNeeded()
        return result
    }

    private func startKeepaliveIfNeeded() {
        guard let interval = settings.keepaliveInterval else { return }
        keepalive.startOnce { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let self else { return }
                await self.sendKeepalives(olderThan: interval)
            }
        }
    }

    private func sendKeepalives(olderThan interval: Duration) async {
        let cache = self.cache
        let batch = SessionBatch(cache.drain())
        guard !batch.isEmpty else { return }
        _ = try? await pool.run { _ in
            let now = ContinuousClock.now
            batch.keepAlive(olderThan: interval, now: now, returningTo: cache)
        }
    }
}
