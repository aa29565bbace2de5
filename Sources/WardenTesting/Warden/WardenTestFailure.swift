/// A helper of WardenTesting could not do what the test asked (the binary
/// is not built, a run never reached the state awaited, a process ran past
/// its time): the message says what and where.
public struct WardenTestFailure: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
