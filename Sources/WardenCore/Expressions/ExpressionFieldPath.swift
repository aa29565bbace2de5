/// A chain of reads from a top-level name (`steps.disk.hosts[host.name].ok`),
/// so validation can check the fields of values whose shape it knows
/// (`steps.<id>`, `probes.<name>` and their `hosts.<name>`) as the
/// evaluator would, instead of leaving a misspelt field to the plan.
struct ExpressionFieldPath: Sendable {
    /// The names read, in order, from the root; nil where the key is
    /// computed (`hosts[host.name]`) or is not a name (`[0]`).
    var segments: [String?]
    /// Where each segment is written (offsets into the expression's text).
    var offsets: [Int]
}

extension ExpressionNode {
    /// The longest read chains in the node, and those inside computed keys.
    func collectFieldPaths(into paths: inout [ExpressionFieldPath]) {
        if case .root = kind { return }
        if let path = fieldPath() {
            paths.append(path)
            collectKeyPaths(into: &paths)
            return
        }
        switch kind {
        case .literal, .element, .root:
            break
        case let .list(items), let .call(_, items):
            for item in items { item.collectFieldPaths(into: &paths) }
        case let .member(base, _), let .unary(_, base):
            base.collectFieldPaths(into: &paths)
        case let .index(left, right), let .binary(_, left, right), let .projection(left, body: right):
            left.collectFieldPaths(into: &paths)
            right.collectFieldPaths(into: &paths)
        }
    }

    /// The chain this node reads, when it is member and index reads all the
    /// way down to a top-level name.
    private func fieldPath() -> ExpressionFieldPath? {
        switch kind {
        case let .root(name):
            return ExpressionFieldPath(segments: [name], offsets: [offset])
        case let .member(base, name):
            guard var path = base.fieldPath() else { return nil }
            path.segments.append(name)
            path.offsets.append(offset)
            return path
        case let .index(base, key):
            guard var path = base.fieldPath() else { return nil }
            if case let .literal(.string(name)) = key.kind {
                path.segments.append(name)
            } else {
                path.segments.append(nil)
            }
            path.offsets.append(key.offset)
            return path
        default:
            return nil
        }
    }

    /// Paths read inside the computed keys of this chain (`hosts[steps.a.stdout]`).
    private func collectKeyPaths(into paths: inout [ExpressionFieldPath]) {
        switch kind {
        case let .member(base, _):
            base.collectKeyPaths(into: &paths)
        case let .index(base, key):
            base.collectKeyPaths(into: &paths)
            key.collectFieldPaths(into: &paths)
        default:
            break
        }
    }
}
