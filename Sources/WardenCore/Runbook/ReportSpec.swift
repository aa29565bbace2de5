/// A `report` step: a Markdown text and a JSON document made on the
/// controller from what the run found (parameters, step results, probes),
/// written into the run's artifact folder as `<name>.md` and `<name>.json`.
/// Nothing is sent to a host; the files are the run's own, kept with its
/// other artifacts.
public struct ReportSpec: Sendable {
    /// The files' name without its extension, a template (`intake-{{ params.table }}`) that must
    /// render to letters, digits, `-`, `_` and `.`, not starting with `.`.
    public let name: Template
    /// The Markdown, a template whose holes render as text (not shell words).
    public let markdown: Template?
    /// The JSON document's value.
    public let json: Expression?
    let location: SourceLocation

    /// The file names it writes, in order, for `name` as rendered.
    public func files(named name: String) -> [String] {
        (markdown == nil ? [] : [name + ".md"]) + (json == nil ? [] : [name + ".json"])
    }

    /// Whether `name` may name the report's files.
    static func isFileName(_ name: String) -> Bool {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.".unicodeScalars)
        return !name.isEmpty && !name.hasPrefix(".") && name.count <= 100 && name.unicodeScalars.allSatisfy { allowed.contains($0) }
    }
}
