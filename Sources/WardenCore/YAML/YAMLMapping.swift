import Yams

/// The entries of a YAML mapping with their keys as text, as every loader
/// reads them: keys that are not plain scalars, merge keys and keys that
/// repeat once turned into text are problems, reported and left out.
/// (Yams only catches repeats of the same YAML type, so `1:` and `"1":` get
/// past it.)
enum YAMLMapping {
    struct Entry {
        let name: String
        let key: Node
        let value: Node
    }

    /// The entries of `node` (none when it is not a mapping) and the
    /// problems found; `context` says where, e.g. "in step 'level'";
    /// `mergeHint` says what to write instead of a merge key.
    static func entries(
        of node: Node, context: String, file: String, mergeHint: String = "write the keys out"
    ) -> (entries: [Entry], problems: [LocatedError]) {
        guard case let .mapping(mapping) = node else { return ([], []) }
        var entries: [Entry] = []
        var problems: [LocatedError] = []
        var seen: [String: Node] = [:]
        for (key, value) in mapping {
            let location = YAMLDocument.location(of: key, file: file)
            guard case let .scalar(scalar) = key else {
                problems.append(LocatedError("keys must be plain names, got \(YAMLNodeInspection.describe(key)) \(context)", at: location))
                continue
            }
            if YAMLNodeInspection.isMergeKey(key) {
                problems.append(LocatedError(
                    "YAML merge keys ('<<') are not supported", at: location,
                    hint: mergeHint))
                continue
            }
            if let first = seen[scalar.string] {
                let firstLocation = YAMLDocument.location(of: first, file: file)
                problems.append(LocatedError(
                    "duplicate key '\(scalar.string)' \(context) (first defined at line \(firstLocation.line), column \(firstLocation.column))",
                    at: location))
                continue
            }
            seen[scalar.string] = key
            entries.append(Entry(name: scalar.string, key: key, value: value))
        }
        return (entries, problems)
    }

    /// Whether `node` is a mapping with a plain key `name` (before any checking).
    static func hasKey(_ name: String, in node: Node) -> Bool {
        guard case let .mapping(mapping) = node else { return false }
        return mapping.contains { key, _ in
            if case let .scalar(scalar) = key { return scalar.string == name }
            return false
        }
    }
}
