/// Run a command as another user, through sudo (Warden's `become`).
public struct ExecBecome: Sendable, Hashable {
    /// The account the command runs as.
    public var user: String
    /// The login user's sudo password, for hosts whose sudoers asks for one:
    /// written to the channel's stdin for `sudo -S`, never on a command line.
    /// Nil: `sudo -n`, which fails at once instead of waiting for a password.
    public var password: [UInt8]?

    public init(user: String, password: [UInt8]? = nil) {
        self.user = user
        self.password = password
    }
}
