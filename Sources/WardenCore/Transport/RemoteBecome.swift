/// Who a command runs as on its host, as the transport carries it out: the
/// step's (or host's) `BecomeSpec` with the password, if any, filled in
/// from the run's secret parameter.
public struct RemoteBecome: Sendable, Hashable {
    public var method: BecomeSpec.Method
    public var user: String
    /// The sudo password: written to the command's stdin (`sudo -S -p ''`),
    /// never on a command line, in the journal or in output. Nil: `sudo -n`.
    public var password: String?

    public init(method: BecomeSpec.Method = .sudo, user: String, password: String? = nil) {
        self.method = method
        self.user = user
        self.password = password
    }
}
