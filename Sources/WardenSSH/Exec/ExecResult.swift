/// What came back from one remote command.
public struct ExecResult: Sendable, Hashable {
    public var stdout: CapturedOutput
    public var stderr: CapturedOutput
    /// The exit status, when the command exited.
    public var exitStatus: Int32?
    /// The signal name (e.g. `KILL`) when sshd reported the command killed by a signal.
    public var exitSignal: String?
    /// Wall time from the channel opening to the command's end.
    public var duration: Duration

    public init(stdout: CapturedOutput, stderr: CapturedOutput, exitStatus: Int32?, exitSignal: String?, duration: Duration) {
        self.stdout = stdout
        self.stderr = stderr
        self.exitStatus = exitStatus
        self.exitSignal = exitSignal
        self.duration = duration
    }

    /// Exited with status 0.
    public var succeeded: Bool { exitStatus == 0 && exitSignal == nil }
}

/// One output stream as captured: the head and tail that were kept, and how
/// many bytes in between were dropped.
public struct CapturedOutput: Sendable, Hashable {
    /// The first bytes of the stream.
    public var head: [UInt8]
    /// The last bytes of the stream, when bytes were dropped before them; else empty.
    public var tail: [UInt8]
    /// How many bytes between head and tail were not kept.
    public var droppedBytes: Int

    public init(head: [UInt8] = [], tail: [UInt8] = [], droppedBytes: Int = 0) {
        self.head = head
        self.tail = tail
        self.droppedBytes = droppedBytes
    }

    /// Everything the stream produced.
    public var totalBytes: Int { head.count + droppedBytes + tail.count }

    /// The kept bytes, with a marker where bytes were dropped.
    public var text: String {
        if droppedBytes == 0 { return String(decoding: head + tail, as: UTF8.self) }
        return String(decoding: head, as: UTF8.self)
            + "\n[… \(droppedBytes) bytes dropped …]\n"
            + String(decoding: tail, as: UTF8.self)
    }

    /// All bytes, when none were dropped.
    public var completeBytes: [UInt8]? { droppedBytes == 0 ? head + tail : nil }
}
