/// A host pattern like Ansible's, checked so that it can only ever select
/// what its author meant: `web`, `web,db`, `pegasus:!meta-2`, `pegasus:&east`,
/// `meta-*`, `all`.
///
/// Terms are separated by `,` or `:`. Plain terms are united, then each `&`
/// term intersects, then each `!` term removes, wherever they stand. A term
/// is a host, a group, `all`, or a glob matched against host and group names.
/// Every way a pattern can be wrong is an error, never "all hosts": an empty
/// pattern, a name that matches nothing, a pattern of only exclusions, and a
/// selection that comes out empty.
public struct HostPattern: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as written.
    public let text: String
    let terms: [HostPatternTerm]

    /// Parses and checks the syntax; names are checked by `select`.
    public init(_ text: String) throws(SelectionError) {
        self.text = text
        func failure(_ message: String, hint: String? = nil) -> SelectionError {
            SelectionError(.invalidPattern, pattern: text, message: "pattern '\(text)' \(message)", hint: hint)
        }
        guard !HostPattern.trimmed(Substring(text)).isEmpty else {
            throw SelectionError(
                .invalidPattern, pattern: text, message: "host pattern '\(text)' is empty",
                hint: "name hosts or groups, or 'all' for every host")
        }
        var terms: [HostPatternTerm] = []
        for part in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "," || $0 == ":" }) {
            let raw = HostPattern.trimmed(part)
            guard !raw.isEmpty else {
                throw failure("has an empty term", hint: "terms are separated by ',' or ':'")
            }
            let operation: HostPatternTerm.Operation
            switch raw.first {
            case "!": operation = .exclude
            case "&": operation = .intersect
            default: operation = .include
            }
            let name = operation == .include ? raw : String(raw.dropFirst())
            guard !name.isEmpty else {
                throw failure("has '\(raw)' without a name after it")
            }
            if GlobPattern.isGlob(name) {
                do {
                    terms.append(HostPatternTerm(operation: operation, name: name, glob: try GlobPattern(name)))
                } catch {
                    throw failure(error.message)
                }
            } else {
                if let invalid = name.unicodeScalars.first(where: { !GlobPattern.isNameCharacter($0) }) {
                    throw failure("contains invalid character '\(invalid)'")
                }
                terms.append(HostPatternTerm(operation: operation, name: name, glob: nil))
            }
        }
        if !terms.contains(where: { $0.operation == .include }) {
            let plain = HostPattern.trimmed(Substring(text))
            if terms.allSatisfy({ $0.operation == .exclude }) {
                throw failure("only excludes hosts", hint: "write 'all:\(plain)' to select every other host")
            }
            throw failure(
                "has nothing to narrow down",
                hint: "start with hosts, groups or 'all', as in 'all:\(plain)'")
        }
        self.terms = terms
    }

    public var description: String { text }

    /// The selected hosts in inventory file order, each once.
    public func select(from inventory: Inventory) throws(SelectionError) -> [InventoryHost] {
        var selected = Set<String>()
        for term in terms where term.operation == .include {
            selected.formUnion(try hosts(for: term, in: inventory))
        }
        for term in terms where term.operation == .intersect {
            selected.formIntersection(try hosts(for: term, in: inventory))
        }
        for term in terms where term.operation == .exclude {
            selected.subtract(try hosts(for: term, in: inventory))
        }
        let result = inventory.hosts.filter { selected.contains($0.name) }
        guard !result.isEmpty else {
            throw SelectionError(.selectsNothing, pattern: text, message: "pattern '\(text)' selects no hosts")
        }
        return result
    }

    private func hosts(for term: HostPatternTerm, in inventory: Inventory) throws(SelectionError) -> Set<String> {
        if let glob = term.glob {
            var matched = false
            var names = Set<String>()
            for host in inventory.hosts where glob.matches(host.name) {
                matched = true
                names.insert(host.name)
            }
            for group in inventory.groups.values where glob.matches(group.name) {
                matched = true
                names.formUnion(group.hosts)
            }
            guard matched else {
                throw SelectionError(.unknownName, pattern: text, message: "pattern '\(text)': '\(term.name)' matches no host or group")
            }
            return names
        }
        if term.name == "all" {
            return Set(inventory.hosts.map(\.name))
        }
        if inventory.hosts.contains(where: { $0.name == term.name }) {
            return [term.name]
        }
        if let group = inventory.groups[term.name] {
            return Set(group.hosts)
        }
        let known = inventory.hosts.map(\.name) + inventory.groups.keys.sorted() + ["all"]
        throw SelectionError(
            .unknownName, pattern: text, message: "pattern '\(text)': no host or group is named '\(term.name)'",
            hint: NameSuggestion.hint(for: term.name, among: known))
    }

    private static func trimmed(_ text: Substring) -> String {
        String(text.trimmingPrefix { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
