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
    public var parser: String
    public var line: Int?
    public var message: String

    public init(parser: String, line: Int? = nil, message: String) {
        self.parser = parser
        self.line = line
        self.message = message
    }

    public var description: String {
        "\(parser): " + (line.map { "line \($0): " } ?? "") + message
    }
}
