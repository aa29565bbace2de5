/// An entry of the trusted proxies that is not an address or a CIDR range.
/// The message quotes the entry and says what is wrong with it.
public struct TrustedProxiesError: Error, Sendable, CustomStringConvertible {
    /// The entry as given.
    public let entry: String
    public let description: String

    public init(entry: String, _ description: String) {
        self.entry = entry
        self.description = description
    }
}
