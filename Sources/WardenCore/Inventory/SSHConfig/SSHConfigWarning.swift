/// An option in an OpenSSH client config that Warden read but does not obey,
/// reported so that nobody believes it took effect (e.g. a
/// `StrictHostKeyChecking no` that Warden refuses to honour).
public struct SSHConfigWarning: Sendable, Hashable, CustomStringConvertible {
    /// The file the option is in.
    public let file: String
    /// 1-based line of the option (or of the `Match` line).
    public let line: Int
    /// The option's canonical spelling, e.g. `StrictHostKeyChecking` or `Match`.
    public let option: String
    /// Why it is not obeyed, and what Warden does instead.
    public let message: String

    public init(file: String, line: Int, option: String, message: String) {
        self.file = file
        self.line = line
        self.option = option
        self.message = message
    }

    /// `file:line: warning: Option: message`
    public var description: String {
        "\(file):\(line): warning: \(option): \(message)"
    }
}
