import Yams

/// Small questions loaders ask of a YAML node: which type Yams resolved it
/// to, and how to name it in an error message.
enum YAMLNodeInspection {
    /// The node's tag (`!!int`, `!!str`, ...): the one written, else for a plain
    /// scalar the type YAML 1.1 gives its text (`YAMLPlainScalarType`: documents are
    /// parsed with Yams' `.basic` resolver, which leaves that to us), else `!!str`,
    /// `!!map` or `!!seq`. Asking never changes the node: a plain scalar's tag stays
    /// unresolved (it reads as empty), however many copies an alias made of it.
    static func tag(of node: Node) -> Tag.Name {
        if case let .scalar(scalar) = node, scalar.style == .plain || scalar.style == .any, scalar.tag.description.isEmpty {
            return YAMLPlainScalarType.tag(of: scalar.string)
        }
        // Yams keeps the tag's name internal, so compare through its raw value.
        return Tag.Name(rawValue: node.tag.rawValue)
    }

    /// Whether `key` is a merge key (`<<`). The parser's duplicate check already typed
    /// every key with the `.basic` resolver, as `!!str`, so a plain `<<` key counts
    /// whatever its tag reads (even written `!!str <<`: refusing it is the safe side).
    static func isMergeKey(_ key: Node) -> Bool {
        guard case let .scalar(scalar) = key else { return false }
        let tag = tag(of: key)
        return tag == .merge || ((scalar.style == .plain || scalar.style == .any) && scalar.string == "<<" && tag == .str)
    }

    static func isNull(_ node: Node) -> Bool {
        guard case .scalar = node else { return false }
        return tag(of: node) == .null
    }

    /// How a node reads in "..., got X": the text itself for scalars, the
    /// kind for collections (printing a whole mapping would drown the message).
    static func describe(_ node: Node) -> String {
        switch node {
        case let .scalar(scalar):
            if tag(of: node) == .null {
                return scalar.string.isEmpty ? "nothing" : "null"
            }
            return "'\(shortened(scalar.string))'"
        case .mapping:
            return "a mapping"
        case .sequence:
            return "a list"
        case .alias:
            return "an alias"
        }
    }

    private static func shortened(_ text: String) -> String {
        let limit = 60
        guard text.count > limit else { return text }
        return String(text.prefix(limit)) + "..."
    }

    /// A scalar YAML resolved as a bool (`true`/`yes`/`on`, `false`/`no`/`off`),
    /// or nil: quoted "true" is text, and a loader says so.
    static func bool(_ node: Node) -> Bool? {
        guard case let .scalar(scalar) = node, tag(of: node) == .bool else { return nil }
        switch scalar.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: return nil
        }
    }

    /// A scalar YAML resolved as an integer within `range`, or nil.
    /// A scalar resolved as `!!int` or `!!float`, as a finite number.
    static func number(_ node: Node) -> Double? {
        guard case let .scalar(scalar) = node else { return nil }
        switch tag(of: node) {
        case .int: return integer(scalar.string).map(Double.init)
        case .float: return Double(scalar.string.replacingOccurrences(of: "_", with: "")).flatMap { $0.isFinite ? $0 : nil }
        default: return nil
        }
    }

    static func integer(_ node: Node, in range: ClosedRange<Int>) -> Int? {
        guard case let .scalar(scalar) = node, tag(of: node) == .int,
              let number = integer(scalar.string), range.contains(number) else { return nil }
        return number
    }

    /// A scalar resolved as `!!int`, parsed the YAML 1.1 way Yams does
    /// (`0x1f`, `0o17`, `017`, `1_000`, `1:30`), but without overflow traps:
    /// Yams' own sexagesimal conversion crashes on `1:0:0:0:0:0:0:0:0:0:0`.
    static func integer(_ raw: String) -> Int? {
        let text = raw.replacingOccurrences(of: "_", with: "")
        let negative = text.hasPrefix("-")
        let hasSign = negative || text.hasPrefix("+")
        let body = text.dropFirst(hasSign ? 1 : 0)
        guard !body.isEmpty else { return nil }
        if body.contains(":") {
            var value = 0
            for part in body.split(separator: ":", omittingEmptySubsequences: false) {
                guard let digit = Int(part, radix: 10), digit >= 0 else { return nil }
                let (shifted, overflowA) = value.multipliedReportingOverflow(by: 60)
                let (sum, overflowB) = shifted.addingReportingOverflow(digit)
                guard !overflowA, !overflowB else { return nil }
                value = sum
            }
            return negative ? -value : value
        }
        if body == "0" { return 0 }
        let sign = negative ? "-" : ""
        for (prefix, radix) in [("0x", 16), ("0b", 2), ("0o", 8), ("0", 8)] where body.hasPrefix(prefix) {
            let digits = body.dropFirst(prefix.count)
            // Int(_:radix:) would accept a second sign after the prefix.
            guard let first = digits.first, first != "-", first != "+" else { return nil }
            return Int(sign + digits, radix: radix)
        }
        guard body.first != "-", body.first != "+" else { return nil }
        return Int(sign + body, radix: 10)
    }
}
