/// What a command that ran on a host gave back.
public struct CommandResult: Sendable, Hashable, Codable {
    public var stdout: CapturedText
    public var stderr: CapturedText
    /// Nil when the command was killed by a signal that sshd reported.
    public var exitStatus: Int32?
    /// The signal name (`KILL`, `SEGV`) when sshd reported one.
    public var exitSignal: String?
    public var duration: Duration

    public init(stdout: CapturedText, stderr: CapturedText, exitStatus: Int32?, exitSignal: String?, duration: Duration) {
        self.stdout = stdout
        self.stderr = stderr
        self.exitStatus = exitStatus
        self.exitSignal = exitSignal
        self.duration = duration
    }

    /// Exited with status 0.
    public var succeeded: Bool { exitStatus == 0 && exitSignal == nil }
}

/// One output stream as kept: its text (with a marker where the middle was
/// dropped) and how many bytes were dropped.
public struct CapturedText: Sendable, Hashable, Codable {
    public var text: String
    public var droppedBytes: Int
    public var totalBytes: Int

    public init(text: String, droppedBytes: Int = 0, totalBytes: Int? = nil) {
        self.text = text
        self.droppedBytes = droppedBytes
        self.totalBytes = totalBytes ?? text.utf8.count
    }

    /// The first non-empty line, for one-line summaries.
    public var firstLine: String {
        text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
    }
}
