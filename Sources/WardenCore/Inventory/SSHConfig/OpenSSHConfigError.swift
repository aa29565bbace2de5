/// Why an OpenSSH client config file (or one it includes) could not be read,
/// placed where the problem is so an operator can go straight to it.
public struct OpenSSHConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file the problem is in: the top file or one it includes.
    public let file: String
    /// 1-based; 0 when the problem is the whole file (it could not be read).
    public let line: Int
    /// 1-based, in Unicode scalars; 0 when the problem is the whole file.
    public let column: Int
    /// What is wrong, e.g. "Port must be a number from 1 to 65535, got '0'".
    public let message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:column: message`, as compilers print it, so editors can jump there.
    public var description: String {
        "\(file):\(line):\(column): \(message)"
    }
}
