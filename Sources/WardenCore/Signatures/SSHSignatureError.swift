/// A record that could not be signed, or whose signature does not hold: the
/// message says which key, which file and what to do.
public struct SSHSignatureError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
