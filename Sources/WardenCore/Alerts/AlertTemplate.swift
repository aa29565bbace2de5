import Foundation

/// A parameter value of an alert rule: text with `{{ labels.name }}` and
/// `{{ annotations.name }}` references, nothing else.
///
/// Deliberately tiny: alert labels come from outside (anyone who can push to
/// Prometheus or Alertmanager), so their values are inserted as data and never
/// evaluated further — no expressions, no filters, no second pass over the
/// result (a label holding `{{ labels.x }}` stays that text).
public struct AlertTemplate: Sendable, Hashable, CustomStringConvertible {
    public enum Namespace: String, Sendable, Hashable {
        case labels
        case annotations
    }

    enum Part: Sendable, Hashable {
        case text(String)
        case reference(Namespace, String)
    }

    let parts: [Part]
    public let source: String

    /// Parses `text`; `parameter` names it in errors.
    public init(_ text: String, parameter: String) throws(AlertTemplateError) {
        source = text
        var parts: [Part] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { parts.append(.text(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw .malformed(parameter: parameter, reason: "'{{' is not closed by '}}'")
            }
            let reference = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            let pieces = reference.split(separator: ".", maxSplits: 1).map(String.init)
            guard pieces.count == 2, let namespace = Namespace(rawValue: pieces[0]), LabelMatcher.isName(pieces[1]) else {
                throw .malformed(parameter: parameter, reason: "'{{ \(reference) }}' is not labels.<name> or annotations.<name>")
            }
            parts.append(.reference(namespace, pieces[1]))
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        self.parts = parts
    }

    /// The text itself when it references nothing (a value the config fixes, checked at load).
    public var literal: String? {
        parts.allSatisfy { if case .text = $0 { true } else { false } } ? parts.map { if case let .text(text) = $0 { text } else { "" } }.joined() : nil
    }

    /// The text with the alert's values in place of the references.
    public func render(labels: [String: String], annotations: [String: String], parameter: String) throws(AlertTemplateError) -> String {
        var result = ""
        for part in parts {
            switch part {
            case let .text(text): result += text
            case let .reference(namespace, name):
                guard let value = (namespace == .labels ? labels : annotations)[name] else {
                    throw .missing(namespace: namespace, name: name, parameter: parameter)
                }
                result += value
            }
        }
        return result
    }

    public var description: String { source }
}
