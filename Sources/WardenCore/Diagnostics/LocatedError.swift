/// One problem found in a source file, with where it is and, when we can
/// guess, how to fix it.
///
/// Shared by every loader (inventory, runbooks) so that all of Warden's
/// complaints about files read the same way, in the compiler style that
/// editors understand:
/// `inv.yaml:12:5: error: unknown key 'adress' in host 'meta-1'; did you mean 'address'?`
public struct LocatedError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where the problem is; nil when it concerns no particular spot
    /// (a file that cannot be read, a value checked before it had a place).
    public var location: SourceLocation?
    /// What is wrong, as one sentence without a trailing period.
    public var message: String
    /// A suggestion such as "did you mean 'address'?".
    public var hint: String?

    public init(_ message: String, at location: SourceLocation? = nil, hint: String? = nil) {
        self.location = location
        self.message = message
        self.hint = hint
    }

    public var description: String {
        var text = ""
        if let location {
            text += "\(location): "
        }
        text += "error: \(message)"
        if let hint {
            text += "; \(hint)"
        }
        return text
    }
}
