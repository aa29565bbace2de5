/// What a scripted handler of an in-memory host reads and changes: the
/// host's variables (a Pegasus meta level, a replica count: whatever the
/// test models) and its files (which a later `fetch` finds).
public struct InMemoryHostState: Sendable {
    /// The host's inventory name.
    public let name: String
    public var variables: [String: String] = [:]
    /// By absolute path.
    public var files: [String: InMemoryFile] = [:]

    public init(name: String, variables: [String: String] = [:], files: [String: InMemoryFile] = [:]) {
        self.name = name
        self.variables = variables
        self.files = files
    }
}
