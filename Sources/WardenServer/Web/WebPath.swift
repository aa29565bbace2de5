import Foundation

/// Paths the web UI builds from ids it did not choose (run ids, schedule ids,
/// lock names): each id becomes one percent-encoded path segment, so an id
/// with a slash, a `?` or `..` cannot point a link elsewhere.
enum WebPath {
    /// RFC 3986's unreserved characters, ASCII only (`CharacterSet.alphanumerics` would let other scripts' letters through).
    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// `id` as one path segment.
    static func segment(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }
}
