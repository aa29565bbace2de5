/// How a journal's location is told apart: a database URL (`postgres://…`, `postgresql://…`)
/// names a shared journal in a database, anything else a state folder. The one place this is
/// decided, for the CLI's `--state`, the serve config's `state:` and the store that opens it.
public enum DatabaseURL {
    /// Whether `text` names a database rather than a state folder.
    public static func isDatabaseURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }
}
