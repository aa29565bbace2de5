import Foundation
import WardenCore

/// A `HostTransport` whose hosts live in memory and answer as the test
/// scripts them, so that the engine (runner, watches, resume, locks,
/// deadmen) is tested without SSH and, with a `TestClock`, without waiting.
///
/// A host answers a command with the newest rule whose pattern matches it:
/// a fixed reply, or a handler over the host's state (variables and files).
/// Warden's own host-side scripts (deadmen, lock directories, the state
/// folder check, the leftover probe and kill) are answered first, by a model
/// of a host whose state folder is sound (`deadmen(on:)`, `locks(on:)`); a
/// command nothing answers exits 127, so an unscripted command shows.
///
/// ```swift
/// let clock = TestClock()
/// let transport = InMemoryTransport(clock: clock)
/// transport.set("level", to: "steady", on: "meta1")
/// transport.on(.prefix("set_meta_level "), host: "meta1") { command, host in
///     host.variables["level"] = String(command.line.dropFirst("set_meta_level ".count))
///     return .success("control meta level ok\n")
/// }
/// transport.on(.equals("get_meta_level"), host: "meta1") { _, host in .success(host.variables["level", default: ""] + "\n") }
/// transport.on(.contains("rebalance"), host: "meta1", reply: .hang())     // until its timeout, by the clock
/// transport.failConnections(to: "meta2", with: .unreachable)
/// // ... run the engine, then:
/// transport.commands(receivedBy: "meta1")   // ["set_meta_level lively", ...]
/// ```
///
/// It fails with the `TransportError` kinds the SSH transport gives: a
/// connection failure before anything ran (`failConnections`), `commandTimedOut`
/// and `cancelled` (with the output so far) for a command cut short,
/// `channelFailure` for a lost session, and for fetches `transferFailed`,
/// `transferRefused` and `transferTimedOut`. Every command that starts
/// reports a process group through `onStarted`, alive while it runs.
///
/// Handlers run under the transport's lock: they must not call the transport.
public final class InMemoryTransport: HostTransport, @unchecked Sendable {
    /// One scripted answer: the newest matching rule wins.
    struct Rule {
        let pattern: CommandPattern
        /// nil: every host.
        let host: String?
        let answer: @Sendable (RemoteCommand, inout InMemoryHostState) -> InMemoryReply
    }

    /// A command waiting (hanging, or taking its time), ended by one of: its time, its timeout,
    /// its caller's cancellation, or the test.
    struct Waiting {
        let host: String
        let continuation: CheckedContinuation<WaitEnd, Never>
        var timer: Task<Void, Never>?
    }

    enum WaitEnd {
        case finished
        case timedOut
        case cancelled
        case ended(InMemoryReply)
    }

    /// What `waitUntil` waits for.
    struct Watcher {
        let condition: @Sendable (InMemoryTransport) -> Bool
        let continuation: CheckedContinuation<Bool, Never>
        var limit: Task<Void, Never>?
    }

    /// The clock commands take their time and time out by, and deadmen and leases are reckoned with.
    public let clock: any EngineClock
    /// When false, commands report no process group (as a transport that cannot tell).
    public let reportsProcessGroups: Bool

    // Everything below is guarded by `lock`.
    let lock = NSLock()
    var hosts: [String: InMemoryHost] = [:]
    var rules: [Rule] = []
    var waiting: [UInt64: Waiting] = [:]
    var watchers: [UInt64: Watcher] = [:]
    var nextID: UInt64 = 0
    var nextGroup: Int32 = 4000
    var closed = 0

    public init(clock: any EngineClock = SystemClock(), reportsProcessGroups: Bool = true) {
        self.clock = clock
        self.reportsProcessGroups = reportsProcessGroups
    }

    // MARK: HostTransport

    public func run(_ command: RemoteCommand, on host: InventoryHost,
                    onOutput: (@Sendable (WardenCore.OutputStream, String) -> Void)?) async throws(TransportError) -> CommandResult {
        try await run(command, on: host, onOutput: onOutput, onStarted: nil)
    }

    public func run(_ command: RemoteCommand, on host: InventoryHost, onOutput: (@Sendable (WardenCore.OutputStream, String) -> Void)?,
                    onStarted: (@Sendable (RemoteProcessGroup) -> Void)?) async throws(TransportError) -> CommandResult {
        if Task.isCancelled {
            throw TransportError(kind: .cancelled, host: host.name, message: "\(host.name): cancelled: cancelled before it started. Nothing ran on the host")
        }
        if let slow = lock.withLock({ () -> Duration? in
            let delay = hosts[host.name]?.slowConnection
            hosts[host.name]?.slowConnection = nil
            return delay
        }) {
            do {
                try await clock.sleep(for: slow)
            } catch {
                throw TransportError(kind: .cancelled, host: host.name, message: "\(host.name): cancelled: cancelled while connecting. Nothing ran on the host")
            }
        }
        // As the SSH transport does at the last moment before a command leaves.
        if let deadline = command.sendBefore, clock.instant >= deadline.instant {
            throw TransportError(kind: .notSent, host: host.name,
                                 message: "\(host.name): not sent: this controller's hold on the run ended before the command could leave")
        }
        let started = clock.instant
        let arrival: Result<(InMemoryReply, RemoteProcessGroup?), TransportError> = lock.withLock {
            var record = hosts[host.name] ?? InMemoryHost(name: host.name)
            if let kind = record.connectionFailure {
                return .failure(Self.connectionError(kind, host: host.name))
            }
            record.received.append(command)
            let reply = answerHostState(command, host: host, record: &record) ?? answer(command, record: &record)
            var group: RemoteProcessGroup?
            if reportsProcessGroups {
                nextGroup += 1
                group = RemoteProcessGroup(id: nextGroup, startTime: String(1000 + Int(nextGroup)))
                record.liveGroups.insert(nextGroup)
            }
            hosts[host.name] = record
            return .success((reply, group))
        }
        notifyWatchers()
        let (reply, group) = try arrival.get()
        if let group { onStarted?(group) }
        defer {
            if let group {
                lock.withLock { _ = hosts[host.name]?.liveGroups.remove(group.id) }
                notifyWatchers()
            }
        }
        return try await perform(reply, command: command, host: host.name, group: group, started: started, onOutput: onOutput)
    }

    public func close() async {
        lock.withLock { closed += 1 }
    }

    /// How many times `close()` was called.
    public var closeCount: Int {
        lock.withLock { closed }
    }

    // MARK: Replying

    /// The newest rule for the command, or exit 127 when none matches.
    func answer(_ command: RemoteCommand, record: inout InMemoryHost) -> InMemoryReply {
        let name = record.state.name
        guard let rule = rules.last(where: { ($0.host == nil || $0.host == name) && $0.pattern.matches(command.line) }) else {
            return .exit(127, stderr: "sh: no rule of in-memory host \(name) answers: \(command.line)\n")
        }
        return rule.answer(command, &record.state)
    }

    private func perform(
        _ reply: InMemoryReply, command: RemoteCommand, host: String, group: RemoteProcessGroup?, started: ContinuousClock.Instant,
        onOutput: (@Sendable (WardenCore.OutputStream, String) -> Void)?, printed: String = ""
    ) async throws(TransportError) -> CommandResult {
        func result(_ stdout: String, _ stderr: String, status: Int32?, signal: String?) -> CommandResult {
            if let onOutput {
                if !stdout.isEmpty { onOutput(.stdout, stdout) }
                if !stderr.isEmpty { onOutput(.stderr, stderr) }
            }
            return CommandResult(stdout: Self.captured(printed + stdout, limit: command.outputLimit),
                                 stderr: Self.captured(stderr, limit: command.outputLimit),
                                 exitStatus: status, exitSignal: signal, duration: clock.instant - started)
        }
        switch reply {
        case let .exit(status, stdout, stderr):
            return result(stdout, stderr, status: status, signal: nil)
        case let .killed(signal, stdout, stderr):
            return result(stdout, stderr, status: nil, signal: signal)
        case let .fail(kind, detail):
            throw TransportError(kind: kind, host: host, message: "\(host): \(kind.rawValue): \(detail ?? "failed (scripted)")")
        case let .sessionLost(stdout):
            throw TransportError(kind: .channelFailure, host: host,
                                 message: "\(host): channel failure: the connection dropped while the command ran; it may or may not have finished on the host. "
                                    + "Check the host's sshd (MaxSessions, load, logs) and retry",
                                 partialResult: result(stdout, "", status: nil, signal: nil))
        case let .hang(stdout):
            return try await wait(for: nil, command: command, host: host, group: group, started: started, onOutput: onOutput,
                                  printed: printed + stdout, then: nil)
        case let .after(duration, next):
            return try await wait(for: duration, command: command, host: host, group: group, started: started, onOutput: onOutput,
                                  printed: printed, then: next)
        }
    }

    /// A command under way: ends when `duration` passes (then replies `next`), at its timeout,
    /// when its caller is cancelled, or when the test ends it.
    private func wait(
        for duration: Duration?, command: RemoteCommand, host: String, group: RemoteProcessGroup?, started: ContinuousClock.Instant,
        onOutput: (@Sendable (WardenCore.OutputStream, String) -> Void)?, printed: String, then next: InMemoryReply?
    ) async throws(TransportError) -> CommandResult {
        let timeoutAt = command.timeout.map { started + $0 }
        let finishAt = duration.map { clock.instant + $0 }
        let end = await waitForEnd(host: host, finishAt: finishAt, timeoutAt: timeoutAt)
        let partial = CommandResult(stdout: Self.captured(printed, limit: command.outputLimit), stderr: CapturedText(text: ""),
                                    exitStatus: nil, exitSignal: nil, duration: clock.instant - started)
        let killed = group.map { "its process group \($0.id) was killed" } ?? "its channel was closed"
        switch end {
        case .finished:
            return try await perform(next ?? .success(), command: command, host: host, group: group, started: started, onOutput: onOutput,
                                     printed: printed)
        case let .ended(reply):
            return try await perform(reply, command: command, host: host, group: group, started: started, onOutput: onOutput,
                                     printed: printed)
        case .timedOut:
            throw TransportError(kind: .commandTimedOut, host: host,
                                 message: "\(host): command timed out: still running after \(command.timeout.map(DurationText.format) ?? "its deadline"); \(killed). "
                                    + "Look at the partial output for where it hung; raise the timeout if the command is just slow",
                                 partialResult: partial)
        case .cancelled:
            throw TransportError(kind: .cancelled, host: host,
                                 message: "\(host): cancelled: cancelled by the operator; \(killed). Check the host's state before running it again",
                                 partialResult: partial)
        }
    }

    /// Parks the caller until the first of: `finishAt`, `timeoutAt` (both by the clock), cancellation, the test.
    func waitForEnd(host: String, finishAt: ContinuousClock.Instant?, timeoutAt: ContinuousClock.Instant?) async -> WaitEnd {
        let id: UInt64 = lock.withLock {
            nextID += 1
            return nextID
        }
        let end = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<WaitEnd, Never>) in
                lock.withLock { waiting[id] = Waiting(host: host, continuation: continuation) }
                let deadlines = [finishAt.map { ($0, WaitEnd.finished) }, timeoutAt.map { ($0, WaitEnd.timedOut) }].compactMap { $0 }
                if let (deadline, outcome) = deadlines.min(by: { $0.0 < $1.0 }) {
                    let clock = self.clock
                    let timer = Task { [weak self] in
                        do {
                            try await clock.sleep(until: deadline)
                        } catch {
                            return
                        }
                        self?.endWaiting(id, with: outcome)
                    }
                    let registered = lock.withLock { () -> Bool in
                        guard waiting[id] != nil else { return false }
                        waiting[id]?.timer = timer
                        return true
                    }
                    if !registered { timer.cancel() }
                }
                if Task.isCancelled { endWaiting(id, with: .cancelled) }
                notifyWatchers()
            }
        } onCancel: {
            endWaiting(id, with: .cancelled)
        }
        return end
    }

    /// Ends one waiting command (once: later ends find it gone).
    func endWaiting(_ id: UInt64, with end: WaitEnd) {
        guard let entry = lock.withLock({ waiting.removeValue(forKey: id) }) else { return }
        // Its timer sleeps on the clock: cancelled now, so a test clock stops counting it at once.
        entry.timer?.cancel()
        entry.continuation.resume(returning: end)
        notifyWatchers()
    }

    /// `text` as the SSH transport keeps a stream: half of `limit` from the start, half from the end.
    static func captured(_ text: String, limit: Int) -> CapturedText {
        let bytes = Array(text.utf8)
        guard bytes.count > limit else { return CapturedText(text: text) }
        let head = limit / 2, tail = limit - limit / 2
        let dropped = bytes.count - head - tail
        let kept = String(decoding: bytes[..<head], as: UTF8.self) + "\n[… \(dropped) bytes dropped …]\n"
            + String(decoding: bytes[(bytes.count - tail)...], as: UTF8.self)
        return CapturedText(text: kept, droppedBytes: dropped, totalBytes: bytes.count)
    }

    /// How the SSH transport words a failure to connect (`SSHError.Kind.phrase`), for `failConnections`.
    static func connectionError(_ kind: TransportError.Kind, host: String) -> TransportError {
        let what: String = switch kind {
        case .unreachable: "unreachable: connection refused. Check that sshd runs there and the address and port are right"
        case .connectTimeout: "connect timeout: no answer. Check the network path to the host"
        case .hostKeyUnknown: "host key unknown: the host's key is in neither the known_hosts file nor the inventory. Verify it, then record it"
        case .hostKeyChanged: "HOST KEY CHANGED: the host offered another key than the one recorded. Find out why before trusting it"
        case .authFailed: "authentication failed: every credential offered was refused. Check the key and the account"
        case .invalidConfiguration: "invalid connection settings: the key file is missing. Fix the inventory"
        default: "\(kind.rawValue): the connection failed"
        }
        return TransportError(kind: kind, host: host, message: "\(host): \(what)")
    }
}
