extension ExpressionNode {
    /// The probe names read as `probes.<name>.before` (or with `[...]`): the
    /// sample taken before the run's first change rather than a fresh one.
    func collectBeforeReads(into names: inout [String]) {
        if let name = beforeRead { names.append(name) }
        switch kind {
        case .literal, .element, .root: break
        case let .list(items), let .call(_, items):
            for item in items { item.collectBeforeReads(into: &names) }
        case let .member(base, _), let .unary(_, base):
            base.collectBeforeReads(into: &names)
        case let .index(left, right), let .binary(_, left, right), let .projection(left, body: right):
            left.collectBeforeReads(into: &names)
            right.collectBeforeReads(into: &names)
        }
    }

    /// The probe this node names when it is `probes.<name>.before` itself.
    private var beforeRead: String? {
        let probe: ExpressionNode
        switch kind {
        case let .member(base, "before"): probe = base
        case let .index(base, key):
            guard case .literal(.string("before")) = key.kind else { return nil }
            probe = base
        default: return nil
        }
        switch probe.kind {
        case let .member(root, name):
            guard case .root("probes") = root.kind else { return nil }
            return name
        case let .index(root, key):
            guard case .root("probes") = root.kind, case let .literal(.string(name)) = key.kind else { return nil }
            return name
        default: return nil
        }
    }
}
