/// A shell command line for a host, with the limits it runs under.
public struct RemoteCommand: Sendable, Hashable {
    /// The command line as the remote login shell will read it. Anything that
    /// came from a parameter must already be shell-quoted.
    public var line: String
    /// Killed (with everything it started) after this long; nil: no deadline.
    public var timeout: Duration?
    /// Bytes kept per stream, half from the start and half from the end.
    public var outputLimit: Int
    /// Contents of the files the line names as `"${WARDEN_SECRETS:?}/N"`
    /// (`RenderedCommand`). A transport must get them to the host without
    /// putting them on any command line there, in files only the login
    /// account can read, removed when the command ends.
    public var secretFiles: [String]
    /// Not sent once this deadline has passed: the transport reads it at the last moment before
    /// the command leaves (`FencedTransport` sets it to the controller's hold on the run).
    public var sendBefore: SendDeadline?
    /// Run as another user (`become:`); nil: the login user. The transport also
    /// kills a timed-out command through it (the login user cannot signal it).
    public var become: RemoteBecome?

    public init(_ line: String, timeout: Duration? = nil, outputLimit: Int = 8 << 20, secretFiles: [String] = [], become: RemoteBecome? = nil) {
        self.line = line
        self.become = become
        self.timeout = timeout
        self.outputLimit = outputLimit
        self.secretFiles = secretFiles
    }
}
