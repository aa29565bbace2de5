/// Turns a command's output into data that expressions can test
/// (`parse: table`, then `expect: all(result[*].status == "ALIVE")`).
public protocol OutputParsing: Sendable {
    /// The name runbooks use in `parse:`.
    var name: String { get }
    func parse(_ output: String) throws(OutputParseError) -> Value
}

/// Output that does not have the shape a parser expects. The message says
/// where (line) and what was expected; the engine adds the host.
public struct OutputParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of mismatch: a runbook's mistake (no such parser, a bad
    /// pattern) or output that is not what the parser reads.
    public enum Kind: Sendable, Hashable {
        /// No parser has the name the runbook gives.
        case noSuchParser
        /// The regex parser's pattern is missing, too long, invalid or has no named group.
        case invalidPattern
        /// The output is empty (besides a banner): the command printed nothing to parse.
        case empty
        /// The output lacks what marks this command's output (a table, a line, a JSON document):
        /// most likely the output of another command.
        case unrecognized
        /// A JSON document lacks a section or field this command's output always has.
        case missingField
        /// What the parser recognised is broken: invalid or cut-short JSON, a row with the wrong
        /// number of columns, a line of the wrong form, a key given twice.
        case malformed
        /// The tool reported a failure in its output (an error line, a non-zero exit code)
        /// instead of the result.
        case commandFailed
        /// Matching was abandoned at a limit (see `ExpressionLimits`), so the output is not known to match.
        case abandoned
    }

    public var kind: Kind
    public var parser: String
    public var line: Int?
    public var message: String

    public init(_ kind: Kind, parser: String, line: Int? = nil, message: String) {
        self.kind = kind
        self.parser = parser
        self.line = line
        self.message = message
    }

    public var description: String {
        "\(parser): " + (line.map { "line \($0): " } ?? "") + message
    }
}
