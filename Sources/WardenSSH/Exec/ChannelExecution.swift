import CLibSSH

/// The channel could not be opened, so the command never started: the one
/// case where running it again on a fresh session is safe.
struct ChannelOpenFailure: Error {
    let error: SSHError
}

extension SSHSession {
    /// Runs one command to completion on this session. Blocking: call on a pool thread.
    ///
    /// Output arrives through channel callbacks driven by `ssh_event_dopoll`, so
    /// stdout and stderr are drained together (a command filling the stderr
    /// window cannot stall stdout). The loop wakes at least every 50 ms to
    /// honour the deadline and cancellation; either kills the remote process group.
    func exec(_ request: ExecRequest, cancellation: CancellationFlag,
              onOutput: (@Sendable (OutputChunk) -> Void)?) throws -> ExecResult {
        let clock = ContinuousClock()
        let started = clock.now
        defer { lastUsed = clock.now }
        let secrets = request.secretFiles.isEmpty ? nil : SecretFilesWrapper.payload(request.secretFiles)
        if let secrets, secrets.count > SecretFilesWrapper.maximumPayload {
            throw SSHError(.invalidConfiguration, host: target.label,
                           detail: "the command's secret files take \(secrets.count) bytes to send, more than the \(SecretFilesWrapper.maximumPayload) allowed; nothing was run",
                           remedy: "Hand the command smaller secrets, or put a large file on the host by other means")
        }
        if let password = request.become?.password, !SudoWrapper.isUsable(password) {
            throw SSHError(.invalidConfiguration, host: target.label,
                           detail: "the sudo password contains a line break or NUL, which sudo would cut short; nothing was run",
                           remedy: "Give the password parameter the password alone, without a trailing newline")
        }
        // What goes to the command's stdin before anything else: the sudo password (if any), then the secret files.
        let stdin = (request.become.map(SudoWrapper.stdinPrefix) ?? []) + (secrets ?? [])
        let wrapped = request.killProcessGroupOnStop || secrets != nil || request.become != nil
        let sink = ChannelSink(limit: request.outputLimit, expectsMarker: wrapped, onOutput: onOutput,
                               onProcessGroup: request.onProcessGroup)
        let context = Unmanaged.passRetained(sink)
        defer { context.release() }

        // The callbacks struct is kept by pointer: it must outlive the channel.
        let callbacks = UnsafeMutablePointer<ssh_channel_callbacks_struct>.allocate(capacity: 1)
        defer { callbacks.deallocate() }
        installCallbacks(callbacks, userdata: context.toOpaque())

        guard let channel = ssh_channel_new(raw) else {
            throw ChannelOpenFailure(error: channelError("could not allocate a channel"))
        }
        defer { ssh_channel_free(channel) }
        ssh_set_channel_callbacks(channel, callbacks)
        // Removed before the channel is freed (this defer runs first): a channel freed before the
        // server's CLOSE arrived (a command refused at its deadline, a failed exec) stays in the
        // session until that CLOSE, and libssh would call these callbacks then, on another
        // command's poll, with the sink and the struct already gone (a crash seen under 60 runs).
        defer { ssh_remove_channel_callbacks(channel, callbacks) }
        guard openChannel(channel) == SSH_OK else {
            throw ChannelOpenFailure(error: channelError("could not open a channel: \(libsshError)"))
        }
        var line = if secrets != nil {
            SecretFilesWrapper.wrap(request.command, files: request.secretFiles.count)
        } else if wrapped {
            ProcessGroupWrapper.wrap(request.command)
        } else {
            request.command
        }
        if let become = request.become { line = SudoWrapper.wrap(line, as: become) }
        // The last moment before the command leaves: a hold on the run that ended while this
        // process was paused (or its threads stalled) sends nothing.
        if let sendBefore = request.sendBefore, ContinuousClock.now >= sendBefore() {
            throw SSHError(.notSent, host: target.label, detail: "this controller's hold on the run ended before the command could leave",
                           remedy: "Nothing was sent: the hold is confirmed with the journal before it is tried again (if another controller adopted the run, that one carries it on)")
        }
        guard ssh_channel_request_exec(channel, line) == SSH_OK else {
            throw channelError("the server refused to run the command: \(libsshError)")
        }
        if !stdin.isEmpty { try send(stdin, to: channel) }

        guard let event = ssh_event_new() else { throw channelError("could not allocate a poll event") }
        defer { ssh_event_free(event) }
        ssh_event_add_session(event, raw)
        // Remove before freeing either: libssh keeps pointers both ways.
        defer { ssh_event_remove_session(event, raw) }

        let deadline = request.deadline.map { started + $0 }
        var stopReason: SSHError.Kind?
        while !sink.closed && ssh_channel_is_open(channel) != 0 {
            if cancellation.isCancelled { stopReason = .cancelled; break }
            var slice = 50
            if let deadline {
                let left = deadline - clock.now
                if left <= .zero { stopReason = .commandTimedOut; break }
                slice = min(slice, max(1, Int(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)))
            }
            if ssh_event_dopoll(event, Int32(slice)) == SSH_ERROR, !isConnected {
                sink.flushPendingMarker()
                throw channelError("the connection dropped while the command ran (\(libsshError)); it may or may not have finished on the host",
                                   partial: result(sink, channel: channel, since: started, clock: clock))
            }
        }

        if let stopReason {
            if wrapped { awaitProcessGroup(sink: sink, event: event) }
            stopRemoteCommand(channel: channel, sink: sink, event: event, become: request.become)
            sink.flushPendingMarker()
            let partial = result(sink, channel: channel, since: started, clock: clock)
            let killed = sink.processGroup.map { "its process group \($0) was killed" }
                ?? "its channel was closed, but its process group was never reported, so it may still be running on the host"
            switch stopReason {
            case .commandTimedOut:
                throw SSHError(.commandTimedOut, host: target.label,
                               detail: "still running after \(request.deadline?.shortText ?? "its deadline"); \(killed)",
                               remedy: "Look at the partial output for where it hung; raise the timeout if the command is just slow",
                               partialResult: partial)
            default:
                throw SSHError(.cancelled, host: target.label, detail: "cancelled by the operator; \(killed)",
                               remedy: "Check the host's state before running it again", partialResult: partial)
            }
        }
        sink.flushPendingMarker()
        _ = ssh_channel_close(channel)
        let finished = result(sink, channel: channel, since: started, clock: clock)
        // sudo refused before the wrapper could report its group: nothing ran as the user.
        if let become = request.become, sink.processGroup == nil, finished.exitStatus == 1, SudoWrapper.isRefusal(finished.stderr.text) {
            let said = SudoWrapper.reason(finished.stderr.text)
            throw SSHError(.becomeRefused, host: target.label,
                           detail: "sudo would not run the command as \(become.user) (\(said)); nothing ran",
                           remedy: become.password == nil
                               ? "Allow \(target.user) to run commands as \(become.user) without a password (NOPASSWD in a sudoers drop-in), or name the runbook's secret parameter holding the sudo password in become.password"
                               : "Check the sudo password given for \(target.user), and that sudoers lets \(target.user) run commands as \(become.user)",
                           partialResult: finished)
        }
        return finished
    }

    /// Writes the sudo password and the secret files' block to the command's
    /// stdin, then end of file. Blocking, but bounded: the block is smaller than the channel's
    /// window. The wrapper starts the command only once every file arrived
    /// whole, so a failed write means nothing ran.
    private func send(_ payload: [UInt8], to channel: OpaquePointer) throws(SSHError) {
        var sent = 0
        while sent < payload.count {
            let written = payload[sent...].withUnsafeBytes { ssh_channel_write(channel, $0.baseAddress, UInt32($0.count)) }
            guard written > 0 else {
                _ = ssh_channel_close(channel)
                throw channelError("could not send the command its secret files (\(libsshError)); the command was not started")
            }
            sent += Int(written)
        }
        // Only tidiness: the wrapper reads exactly its files and the command's stdin is /dev/null,
        // so a failure here (a dying connection) is left to the poll loop to report.
        _ = ssh_channel_send_eof(channel)
    }

    private func result(_ sink: ChannelSink, channel: OpaquePointer, since started: ContinuousClock.Instant, clock: ContinuousClock) -> ExecResult {
        var status = sink.exitStatus
        if status == nil, sink.exitSignal == nil, sink.closed {
            // Some servers send the status without our callback seeing it first; ask libssh.
            var code: UInt32 = 0
            if clibssh_exit_state(channel, &code, nil, nil) == SSH_OK { status = Int32(bitPattern: code) }
        }
        return ExecResult(stdout: sink.stdout.captured, stderr: sink.stderr.captured,
                          exitStatus: status, exitSignal: sink.exitSignal, duration: clock.now - started)
    }

    /// A started command reports its process group first thing, but the line
    /// may still be in flight (or unread) when the stop comes: read on for up
    /// to a second so that the kill has a target.
    private func awaitProcessGroup(sink: ChannelSink, event: OpaquePointer) {
        poll(event, for: .seconds(1)) { sink.processGroup != nil || sink.closed }
    }

    /// Processes packets (and so the channel callbacks) until `done` or the
    /// time is up, or the connection is gone.
    private func poll(_ event: OpaquePointer, for time: Duration, until done: () -> Bool) {
        let clock = ContinuousClock()
        let giveUp = clock.now + time
        while !done() && clock.now < giveUp {
            if ssh_event_dopoll(event, 50) == SSH_ERROR, !isConnected { return }
        }
    }

    /// Kills the remote process group from a second channel on this session
    /// (same thread, so no libssh call races), then waits briefly for the
    /// command's channel to close.
    private func stopRemoteCommand(channel: OpaquePointer, sink: ChannelSink, event: OpaquePointer, become: ExecBecome?) {
        if let group = sink.processGroup, let killer = ssh_channel_new(raw) {
            // A `become` command's group is the target user's: the kill goes through the same sudo.
            var kill = ProcessGroupWrapper.killCommand(processGroup: group)
            if let become { kill = SudoWrapper.wrap(kill, as: become) }
            if ssh_channel_open_session(killer) == SSH_OK, ssh_channel_request_exec(killer, kill) == SSH_OK {
                // Its sudo reads the password the command's did; a failed write leaves the kill to fail as it would.
                if let become { try? send(SudoWrapper.stdinPrefix(for: become), to: killer) }
                // The kill script returns at once (its KILL fallback runs on in the background).
                let clock = ContinuousClock()
                let giveUp = clock.now + .seconds(5)
                var scratch = [UInt8](repeating: 0, count: 1024)
                while ssh_channel_is_eof(killer) == 0 && ssh_channel_is_open(killer) != 0 && clock.now < giveUp {
                    let n = scratch.withUnsafeMutableBytes { ssh_channel_read_timeout(killer, $0.baseAddress, UInt32($0.count), 0, 200) }
                    if n < 0 { break }
                }
                _ = ssh_channel_close(killer)
            }
            ssh_channel_free(killer)
        }
        // TERM usually closes it within milliseconds; KILL follows after 2 s at the latest.
        poll(event, for: .seconds(3)) { sink.closed || ssh_channel_is_open(channel) == 0 }
        _ = ssh_channel_close(channel)
    }

    private func channelError(_ detail: String, partial: ExecResult? = nil) -> SSHError {
        SSHError(.channelFailure, host: target.label, detail: detail,
                 remedy: "Check the host's sshd (MaxSessions, load, logs) and retry", partialResult: partial)
    }

    private func installCallbacks(_ callbacks: UnsafeMutablePointer<ssh_channel_callbacks_struct>, userdata: UnsafeMutableRawPointer) {
        clibssh_channel_callbacks_init(callbacks)
        callbacks.pointee.userdata = userdata
        callbacks.pointee.channel_data_function = { _, _, data, length, isStderr, userdata in
            guard let userdata, let data else { return 0 }
            let sink = Unmanaged<ChannelSink>.fromOpaque(userdata).takeUnretainedValue()
            sink.receive(UnsafeRawBufferPointer(start: data, count: Int(length)), isStderr: isStderr != 0)
            return Int32(bitPattern: length)
        }
        callbacks.pointee.channel_exit_status_function = { _, _, status, userdata in
            guard let userdata else { return }
            Unmanaged<ChannelSink>.fromOpaque(userdata).takeUnretainedValue().exitStatus = status
        }
        callbacks.pointee.channel_exit_signal_function = { _, _, signal, _, _, _, userdata in
            guard let userdata else { return }
            Unmanaged<ChannelSink>.fromOpaque(userdata).takeUnretainedValue().exitSignal = signal.map { String(cString: $0) } ?? "unknown"
        }
        callbacks.pointee.channel_close_function = { _, _, userdata in
            guard let userdata else { return }
            Unmanaged<ChannelSink>.fromOpaque(userdata).takeUnretainedValue().closed = true
        }
    }
}
