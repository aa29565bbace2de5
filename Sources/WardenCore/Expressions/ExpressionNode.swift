/// A node of a parsed expression. `offset` is where errors about the node
/// point: the operator of an operation, the name of a member or function,
/// the bracket of an index, the first character of anything else.
struct ExpressionNode: Sendable {
    indirect enum Kind: Sendable {
        case literal(Value)
        case list([ExpressionNode])
        /// A top-level name from the environment.
        case root(String)
        /// The current element inside the body of a projection.
        case element
        case member(ExpressionNode, String)
        case index(ExpressionNode, ExpressionNode)
        /// `source[*]` followed by `body`, evaluated once per element.
        case projection(ExpressionNode, body: ExpressionNode)
        case unary(ExpressionOperator, ExpressionNode)
        case binary(ExpressionOperator, ExpressionNode, ExpressionNode)
        case call(ExpressionFunction, [ExpressionNode])
    }

    let kind: Kind
    let offset: Int
    /// The height of the tree below and including this node.
    let height: Int

    init(_ kind: Kind, at offset: Int, children: [ExpressionNode] = []) {
        self.kind = kind
        self.offset = offset
        self.height = 1 + (children.map(\.height).max() ?? 0)
    }

    /// The top-level names the node reads.
    func collectRoots(into roots: inout Set<String>) {
        switch kind {
        case .literal, .element: break
        case let .root(name): roots.insert(name)
        case let .list(items), let .call(_, items):
            for item in items { item.collectRoots(into: &roots) }
        case let .member(base, _), let .unary(_, base):
            base.collectRoots(into: &roots)
        case let .index(left, right), let .binary(_, left, right), let .projection(left, body: right):
            left.collectRoots(into: &roots)
            right.collectRoots(into: &roots)
        }
    }
}

extension ExpressionNode {
    /// Every place the node reads a top-level name, with the first member
    /// after it when that is fixed (`steps.level.result` reads `steps` →
    /// `level`; `steps[x]` reads `steps` with no fixed member).
    func collectReferences(into references: inout [ExpressionReference]) {
        switch kind {
        case .literal, .element:
            break
        case let .root(name):
            references.append(ExpressionReference(root: name, member: nil, offset: offset, memberOffset: nil))
        case let .member(base, name):
            if case let .root(root) = base.kind {
                references.append(ExpressionReference(root: root, member: name, offset: base.offset, memberOffset: offset))
            } else {
                base.collectReferences(into: &references)
            }
        case let .index(base, key):
            if case let .root(root) = base.kind, case let .literal(.string(name)) = key.kind {
                references.append(ExpressionReference(root: root, member: name, offset: base.offset, memberOffset: key.offset))
            } else {
                base.collectReferences(into: &references)
            }
            key.collectReferences(into: &references)
        case let .list(items), let .call(_, items):
            for item in items { item.collectReferences(into: &references) }
        case let .unary(_, operand):
            operand.collectReferences(into: &references)
        case let .binary(_, left, right), let .projection(left, body: right):
            left.collectReferences(into: &references)
            right.collectReferences(into: &references)
        }
    }
}

/// A read of a top-level name, as `ExpressionNode.collectReferences` finds it
/// (offsets into the expression's text).
struct ExpressionReference: Sendable {
    let root: String
    let member: String?
    let offset: Int
    let memberOffset: Int?
}
