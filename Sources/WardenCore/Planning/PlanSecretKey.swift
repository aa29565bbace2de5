/// Which key bound a plan's secrets (`SecretDigestKey`): enough for a resume
/// to find the key again and to tell that it is the same one, nothing that
/// reveals it.
public struct PlanSecretKey: Sendable, Codable, Equatable {
    /// The user whose key it is; the file is `SecretDigestKey.fileName(owner:)` in the state folder.
    public var owner: UInt32
    /// `SecretDigestKey.id`.
    public var id: String

    public init(owner: UInt32, id: String) {
        self.owner = owner
        self.id = id
    }
}
