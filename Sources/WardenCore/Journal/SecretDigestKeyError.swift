/// A secret digest key (`SecretDigestKey`) that cannot be made, read or
/// trusted: a planted link, someone else's file, one others can read, one of
/// the wrong size. Its message names the file, what was found and what to do.
public struct SecretDigestKeyError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
