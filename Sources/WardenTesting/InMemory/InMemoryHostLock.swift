import Foundation

/// A run lock held on an in-memory host (the host side of `HostLock`): the
/// lock directory's owner file.
public struct InMemoryHostLock: Sendable, Hashable {
    /// The lock's name as a folder name (`pegasus_c1`).
    public let name: String
    public internal(set) var run: String
    public internal(set) var owner: String
    /// When its lease lapses unless renewed, by the transport's clock.
    public internal(set) var expires: Date
}
