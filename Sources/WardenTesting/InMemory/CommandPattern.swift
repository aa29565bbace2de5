/// Which command lines a scripted reply of an in-memory host answers
/// (`InMemoryTransport.on(_:host:reply:)`).
public struct CommandPattern: Sendable, CustomStringConvertible {
    private let test: @Sendable (String) -> Bool
    /// How the pattern reads in a test's failure message.
    public let description: String

    /// A pattern of your own: `matches` is given the whole command line.
    public init(_ description: String, matches: @escaping @Sendable (String) -> Bool) {
        self.description = description
        test = matches
    }

    public func matches(_ line: String) -> Bool {
        test(line)
    }

    /// Every command.
    public static let any = CommandPattern("any command") { _ in true }

    /// The line is exactly `line`.
    public static func equals(_ line: String) -> CommandPattern {
        CommandPattern("'\(line)'") { $0 == line }
    }

    /// The line starts with `text`.
    public static func prefix(_ text: String) -> CommandPattern {
        CommandPattern("starting with '\(text)'") { $0.hasPrefix(text) }
    }

    /// The line contains `text` anywhere.
    public static func contains(_ text: String) -> CommandPattern {
        CommandPattern("containing '\(text)'") { $0.contains(text) }
    }

    /// Some part of the line matches the regular expression `pattern`;
    /// throws when it is not one.
    public static func regex(_ pattern: String) throws -> CommandPattern {
        _ = try Regex(pattern)
        // Compiled again per line: a compiled Regex of unknown output is not Sendable.
        return CommandPattern("matching /\(pattern)/") { line in
            guard let expression = try? Regex(pattern) else { return false }
            return line.contains(expression)
        }
    }
}
