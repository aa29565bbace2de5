/// A file copied from a host to the controller.
public struct FetchedFile: Sendable, Hashable, Codable {
    public var localPath: String
    public var bytes: Int
    /// Lower-case hex SHA-256 of the bytes written.
    public var sha256: String
    public var duration: Duration

    public init(localPath: String, bytes: Int, sha256: String, duration: Duration) {
        self.localPath = localPath
        self.bytes = bytes
        self.sha256 = sha256
        self.duration = duration
    }
}
