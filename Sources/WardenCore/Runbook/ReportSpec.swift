/// A `report` step: a Markdown text and a JSON document made on the
/// controller from what the run found (parameters, step results, probes),
/// written into the run's artifact folder as `<name>.md` and `<name>.json`.
/// Nothing is sent to a host; the files are the run's own, kept with its
/// other artifacts.
public struct ReportSpec: Sendable {
    /// The files' name without its extension: letters, digits, `-`, `_`, `.`.
    public let name: String
    /// The Markdown, a template whose holes render as text (not shell words).
    public let markdown: Template?
    /// The JSON document's value.
    public let json: Expression?
    let location: SourceLocation

    /// The file names it writes, in order.
    public var files: [String] {
        (markdown == nil ? [] : [name + ".md"]) + (json == nil ? [] : [name + ".json"])
    }
}
