/// A file fetched from a host, as it landed on the controller.
public struct DownloadResult: Sendable, Hashable {
    public var localPath: String
    public var bytes: Int
    /// Lower-case hex SHA-256 of the bytes written, computed as they streamed.
    public var sha256: String
    public var duration: Duration
}
