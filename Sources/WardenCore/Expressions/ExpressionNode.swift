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
