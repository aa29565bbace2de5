import Foundation

/// A file on an in-memory host, as `fetch` (a `collect` step) finds it.
public enum InMemoryFile: Sendable, Hashable {
    /// A regular file; reading it takes `readTime` on the transport's clock
    /// (so a fetch can run past its step's timeout).
    case regular(Data, readTime: Duration = .zero)
    /// A symbolic link to `target` (refused unless the fetch follows links).
    case symbolicLink(to: String)
    case directory

    /// A regular file holding `text`.
    public static func text(_ text: String) -> InMemoryFile {
        .regular(Data(text.utf8))
    }
}
