import Foundation

/// An expression from a runbook (`expect:`, `when:`, `until:`, `abort_if:`,
/// `{{ }}` holes), parsed once and evaluated as often as needed.
///
/// The language is small and side-effect free: literals, paths into the
/// environment (`result.tables[*].healthy`), strict operators and a few
/// built-in functions; no loops, no I/O, bounded in time and memory (see
/// `ExpressionLimits`). Every error is a `LocatedError` pointing into the
/// file the expression came from.
public struct Expression: Sendable, Hashable, CustomStringConvertible {
    /// The text as written.
    public let text: String
    /// Where the text's first character is in its file.
    public let location: SourceLocation
    private let source: ExpressionSource
    private let root: ExpressionNode

    private init(text: String, location: SourceLocation, source: ExpressionSource, root: ExpressionNode) {
        self.text = text
        self.location = location
        self.source = source
        self.root = root
    }

    /// Parses `text`, which starts at `location` in its file (later lines
    /// of multi-line text start at column 1).
    public static func parse(_ text: String, at location: SourceLocation) throws(LocatedError) -> Expression {
        try parse(text, placedAt: .flowing(from: location))
    }

    /// Parses `text`, whose characters are where `placement` says in its file.
    public static func parse(_ text: String, placedAt placement: SourcePlacement) throws(LocatedError) -> Expression {
        guard text.utf8.count <= 4 * ExpressionLimits.maximumLength, text.count <= ExpressionLimits.maximumLength else {
            throw LocatedError(
                "expression is too long: more than \(ExpressionLimits.maximumLength) characters", at: placement.start)
        }
        let source = ExpressionSource(text, placement: placement)
        let root = try ExpressionParser.parse(source)
        return Expression(text: text, location: placement.start, source: source, root: root)
    }

    /// The top-level names the expression reads (`params`, `steps`...), so
    /// that validation can flag undefined ones before anything runs.
    var referencedRoots: Set<String> {
        var roots: Set<String> = []
        root.collectRoots(into: &roots)
        return roots
    }

    /// Every read of a top-level name and, when fixed, the member right after
    /// it (`params.shell`, `steps.level`), with where it is in the file, so
    /// validation can point at an undefined parameter or step exactly.
    /// `location` is the member's (what an unknown parameter or step error
    /// points at), `rootLocation` the name's own (for a name not available there).
    public var references: [(root: String, member: String?, location: SourceLocation, rootLocation: SourceLocation)] {
        var found: [ExpressionReference] = []
        root.collectReferences(into: &found)
        return found.map { reference in
            (reference.root, reference.member, source.location(at: reference.memberOffset ?? reference.offset),
             source.location(at: reference.offset))
        }
    }

    /// Probe names read as `probes.<name>.before`, once for each such read.
    var probesReadBefore: [String] {
        var names: [String] = []
        root.collectBeforeReads(into: &names)
        return names
    }

    /// Every chain of reads from a top-level name, each segment with where
    /// it is written (nil: a computed key).
    var fieldPaths: [(segments: [String?], locations: [SourceLocation])] {
        var found: [ExpressionFieldPath] = []
        root.collectFieldPaths(into: &found)
        return found.map { path in (path.segments, path.offsets.map { source.location(at: $0) }) }
    }

    /// Evaluates the expression. Throws for type errors, missing fields,
    /// out-of-range indexes, overflow, and work beyond the step budget.
    func evaluate(in environment: ExpressionEnvironment) throws(LocatedError) -> Value {
        try ExpressionEvaluator(source: source, environment: environment).evaluate(root)
    }

    /// The expression in canonical form: single spaces around operators,
    /// double-quoted strings, only the parentheses precedence needs.
    public var description: String {
        ExpressionPrinter.text(of: root)
    }

    public static func == (lhs: Expression, rhs: Expression) -> Bool {
        lhs.text == rhs.text && lhs.location == rhs.location
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(text)
        hasher.combine(location)
    }
}
