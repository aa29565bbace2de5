import Foundation
import Testing
@testable import WardenCore

/// The research's sample outputs (Fixtures/, copied unchanged) as parser
/// input, and the shell session pieces tests wrap them in.
enum ParserFixture {
    /// A fixture file or section that is not where a test expects it.
    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    /// A fixture file's text, e.g. `pegasus/nodes_-d.RENDERED.txt`.
    static func text(_ path: String) throws -> String {
        guard let base = Bundle.module.resourceURL else { throw Missing(description: "no resource folder in the test bundle") }
        let url = base.appendingPathComponent("Fixtures").appendingPathComponent(path)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw Missing(description: "no fixture \(url.path)") }
        return String(decoding: data, as: UTF8.self)
    }

    /// What one command printed in a Pegasus sample: the lines after its
    /// `>>> command` (or `GET path`) line, up to the next such line or the
    /// research's `#` annotations. A `   (note)` after the command is the
    /// research's and is ignored. `occurrence` picks among repeats.
    static func section(_ path: String, command: String, occurrence: Int = 0) throws -> String {
        var found = -1
        var lines: [Substring] = []
        var collecting = false
        for line in try text(path).split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let header: String?
            if line.hasPrefix(">>> ") {
                var name = line.dropFirst(4)
                if let note = name.range(of: "   (") { name = name[..<note.lowerBound] }
                header = name.trimmingCharacters(in: .whitespaces)
            } else if line.hasPrefix("GET ") {
                header = String(line)
            } else if line.hasPrefix("#") {
                header = ""
            } else {
                header = nil
            }
            if let header {
                if collecting { break }
                if header == command {
                    found += 1
                    collecting = found == occurrence
                }
                continue
            }
            if collecting { lines.append(line) }
        }
        guard found >= occurrence else { throw Missing(description: "\(path) has no '>>> \(command)' (occurrence \(occurrence))") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A sample file without the research's first-line annotation.
    static func body(_ path: String) throws -> String {
        try text(path).split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).dropFirst().joined()
    }

    /// The shell's start-up lines as a real session printed them (PR #196:
    /// runtime warnings, banner, init line, config and cluster), without
    /// the excerpt's cut-off last line, plus the meta list line it lost.
    static func pegasusBanner() throws -> String {
        let lines = try body("pegasus/shell_startup.issue-196.txt").split(separator: "\n", omittingEmptySubsequences: false)
        let complete = lines.prefix { !$0.hasPrefix("The cluster meta l") }
        return complete.joined(separator: "\n") + "\nThe cluster meta list is: 127.0.0.1:34601,127.0.0.1:34602,127.0.0.1:34603\n"
    }

    /// `output` as a piped session prints it: banner first, the exit line last.
    static func pegasusSession(_ output: String, exitCode: Int = 0) throws -> String {
        try pegasusBanner() + output + "dsn exit with code \(exitCode)\n"
    }

    /// `output` with every line coloured, as master's error printer does.
    static func coloured(_ output: String) -> String {
        output.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : "\u{1B}[1;31m" + $0 + "\u{1B}[0m" }
            .joined(separator: "\n")
    }

    /// A line of `meta_level.source-strings.txt` (the shell's exact format
    /// strings) that starts with `start`, without its trailing `# note`,
    /// with `<...>` placeholders replaced by `values` in order.
    static func sourceString(startingWith start: String, _ values: String...) throws -> String {
        let lines = try text("pegasus/meta_level.source-strings.txt").split(separator: "\n")
        guard let line = lines.first(where: { $0.hasPrefix(start) }) else { throw Missing(description: "no source string '\(start)'") }
        var text = String(line)
        if let note = text.range(of: "  #") { text = String(text[..<note.lowerBound]) }
        text = text.trimmingCharacters(in: .whitespaces)
        for value in values {
            guard let open = text.firstIndex(of: "<"), let close = text[open...].firstIndex(of: ">") else { break }
            text.replaceSubrange(open...close, with: value)
        }
        return text
    }

    /// A map of ints, for expected counts.
    static func ints(_ entries: [String: Int]) -> Value { .map(entries.mapValues(Value.int)) }

    /// A list of strings, for expected addresses and names.
    static func strings(_ items: [String]) -> Value { .list(items.map(Value.string)) }

    static func parse(_ parser: String, _ output: String) throws -> Value {
        try OutputParsers.named(parser).parse(output)
    }

    /// The parser's error message for `output`, nil when it parsed.
    static func failure(_ parser: String, _ output: String) -> String? {
        do {
            _ = try OutputParsers.named(parser).parse(output)
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// The kind of the parser's error for `output`, nil when it parsed.
    static func failureKind(_ parser: String, _ output: String) -> OutputParseError.Kind? {
        do throws(OutputParseError) {
            _ = try OutputParsers.named(parser).parse(output)
            return nil
        } catch {
            return error.kind
        }
    }

    /// Every prefix of `output` (cut at each line and mid-line) either parses
    /// or fails with an OutputParseError: truncated output must never crash.
    static func survivesTruncation(_ parser: String, _ output: String) throws {
        let parsing = try OutputParsers.named(parser)
        let characters = Array(output)
        var cut = 0
        while cut <= characters.count {
            do {
                _ = try parsing.parse(String(characters[..<cut]))
            } catch {
                #expect(error.parser == parser)
            }
            cut += max(1, characters.count / 97)
        }
    }
}

/// One step into a parsed value in a test: a map key or a list index.
enum FixturePath: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    case key(String)
    case index(Int)

    init(stringLiteral value: String) { self = .key(value) }
    init(integerLiteral value: Int) { self = .index(value) }
}

extension Value {
    /// The value down `path`, null where a step does not exist: keeps test expectations short.
    func at(_ path: FixturePath...) -> Value {
        var current = self
        for step in path {
            switch (step, current) {
            case let (.key(key), .map(entries)): current = entries[key] ?? .null
            case let (.index(index), .list(items)) where items.indices.contains(index): current = items[index]
            default: return .null
            }
        }
        return current
    }

    var itemCount: Int? {
        switch self {
        case let .list(items): return items.count
        case let .map(entries): return entries.count
        default: return nil
        }
    }

    /// The map without `key`, to compare two formats' results apart from `format`.
    func removingKey(_ key: String) -> Value {
        guard case var .map(entries) = self else { return self }
        entries[key] = nil
        return .map(entries)
    }
}
