/// A run's artifact folder that cannot be used safely: a planted link, a
/// folder someone else owns, or one that cannot be created. Its message
/// names the path, what was found and what to do.
public struct ArtifactFolderError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
