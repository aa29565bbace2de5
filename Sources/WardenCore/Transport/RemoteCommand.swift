/// A shell command line for a host, with the limits it runs under.
public struct RemoteCommand: Sendable, Hashable {
    /// The command line as the remote login shell will read it. Anything that
    /// came from a parameter must already be shell-quoted.
    public var line: String
    /// Killed (with everything it started) after this long; nil: no deadline.
    public var timeout: Duration?
    /// Bytes kept per stream, half from the start and half from the end.
    public var outputLimit: Int

    public init(_ line: String, timeout: Duration? = nil, outputLimit: Int = 8 << 20) {
        self.line = line
        self.timeout = timeout
        self.outputLimit = outputLimit
    }
}
