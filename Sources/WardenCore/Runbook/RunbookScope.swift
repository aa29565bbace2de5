/// The names one runbook file defines, inside a runbook that may include
/// others and use rules files: its parameters, and how an `include` step
/// (or a `use:` entry) fills them in.
///
/// Step ids, targets and probes of an included runbook are stored with
/// `prefix` in front (`prepare.`); expressions inside it are written without
/// it, so the engine shows each scope only its own names.
public struct RunbookScope: Sendable {
    /// Index in `Runbook.scopes`.
    public let index: Int
    /// "" for the runbook itself, `<include step id>.` for an included one.
    public let prefix: String
    public let file: String
    public let parameters: [ParameterSpec]
    /// The scope whose parameters `arguments` read; nil for the runbook itself.
    public let parent: Int?
    /// For an included runbook: each parameter's value as the include step
    /// gives it, evaluated against the parent scope's parameters.
    public let arguments: [String: IncludeArgument]
    /// How the file came in: the runbook itself, an include step, or a `use:`.
    public let origin: ScopeOrigin
    /// Where the include or use names the file; nil for the runbook itself.
    public let introducedAt: SourceLocation?
    /// The scope whose steps this scope's guards protect: itself, or for a
    /// rules file (`use:`) the runbook (or included runbook) that uses it.
    public let guardOwner: Int
    /// For one host's copy of an `each:` group: the host, which its expressions read as `each`.
    public var each: EachBinding? = nil

    public func parameter(named name: String) -> ParameterSpec? {
        parameters.first { $0.name == name }
    }
}

/// A value an `include` step passes to a parameter of the included runbook:
/// a literal, an expression (`"{{ params.meta_list }}"` alone keeps the
/// value's type), or a template rendered as text.
public enum IncludeArgument: Sendable {
    case literal(Value)
    case expression(Expression)
    case text(Template)
}
