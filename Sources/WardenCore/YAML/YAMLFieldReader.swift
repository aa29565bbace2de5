import Foundation
import Yams

/// Reads the fields of a config section (a mapping of known keys), collecting
/// every problem with its file:line:column instead of stopping at the first:
/// an operator fixing a config wants the whole list at once.
struct YAMLFieldReader {
    let file: String
    var problems: [LocatedError] = []

    init(file: String) { self.file = file }

    func at(_ node: Node) -> SourceLocation { YAMLDocument.location(of: node, file: file) }

    mutating func problem(_ message: String, at node: Node, hint: String? = nil) {
        problems.append(LocatedError(message, at: at(node), hint: hint))
    }

    /// The entries of a mapping by key; an unknown key is a problem with a did-you-mean.
    mutating func keyed(_ node: Node, named name: String, among keys: [String]) -> [String: YAMLMapping.Entry] {
        guard case .mapping = node else {
            problem("\(name) must be a mapping, got \(YAMLNodeInspection.describe(node))", at: node)
            return [:]
        }
        let found = YAMLMapping.entries(of: node, context: "in \(name)", file: file)
        problems += found.problems
        var result: [String: YAMLMapping.Entry] = [:]
        for entry in found.entries {
            if keys.contains(entry.name) {
                result[entry.name] = entry
            } else {
                problem("unknown key '\(entry.name)' in \(name)", at: entry.key, hint: NameSuggestion.hint(for: entry.name, among: keys))
            }
        }
        return result
    }

    mutating func text(_ node: Node, named name: String) -> String? {
        if case let .scalar(scalar) = node, !scalar.string.isEmpty, !YAMLNodeInspection.isNull(node) { return scalar.string }
        problem("\(name) must be text, got \(YAMLNodeInspection.describe(node))", at: node)
        return nil
    }

    mutating func flag(_ node: Node, named name: String) -> Bool? {
        if let flag = YAMLNodeInspection.bool(node) { return flag }
        problem("\(name) must be true or false, got \(YAMLNodeInspection.describe(node))", at: node)
        return nil
    }

    mutating func integer(_ node: Node, named name: String, in range: ClosedRange<Int>) -> Int? {
        if let number = YAMLNodeInspection.integer(node, in: range) { return number }
        problem("\(name) must be an integer \(range.lowerBound)...\(range.upperBound), got \(YAMLNodeInspection.describe(node))", at: node)
        return nil
    }

    /// A duration longer than zero (`90s`, `2h30m`).
    mutating func duration(_ node: Node, named name: String) -> Duration? {
        guard let text = text(node, named: name) else { return nil }
        do {
            let duration = try DurationText.parse(text)
            guard duration > .zero else {
                problem("\(name) must be longer than 0", at: node)
                return nil
            }
            return duration
        } catch {
            problem("\(name): \(error.message)", at: node, hint: error.hint)
            return nil
        }
    }

    /// An IANA time zone, named exactly (the lookup is case-sensitive).
    mutating func timeZone(_ node: Node, named name: String) -> (zone: TimeZone, name: String)? {
        guard let text = text(node, named: name) else { return nil }
        guard let zone = TimeZone(identifier: text) else {
            problem("\(name): unknown time zone '\(text)'", at: node,
                    hint: NameSuggestion.hint(for: text, among: TimeZone.knownTimeZoneIdentifiers) ?? "use an IANA name such as UTC, Europe/Berlin or Asia/Shanghai")
            return nil
        }
        return (zone, text)
    }
}
