/// A runbook as loaded and checked: every expression parsed, every template
/// split into holes, every reference between its parts resolved, and any
/// `include`d runbooks flattened into it.
///
/// Load one with `RunbookLoader.load(path:)`; nothing downstream re-reads the
/// YAML. Names from an included runbook (step ids, targets, probes) carry the
/// including step's id as a prefix (`prepare.stop`), and each part records
/// the `scope` it came from so that its expressions see its own names.
public struct Runbook: Sendable {
    public let name: String
    public let summary: String?
    /// The runbook file as given on the command line.
    public let file: String
    /// The text of this file and every included one, in load order: the
    /// plan hash covers exactly what was read.
    public let sources: [RunbookSource]
    /// Scope 0 is the runbook itself; included runbooks follow.
    var scopes: [RunbookScope]
    public let targets: [TargetSpec]
    public let probes: [ProbeSpec]
    public let guards: [GuardSpec]
    public internal(set) var watches: [WatchSpec]
    public internal(set) var steps: [Step]
    /// Cleanup that always runs, whatever ended the run, in this order.
    public internal(set) var finally: [Step]
    public let lock: LockSpec?
    public let window: WindowSpec?
    /// Lets the initiator approve their own run; `validate` warns about it.
    public let allowSelfApproval: Bool
    /// A rules file (`rules: NAME`) loaded by itself, to be checked: it has
    /// no steps, and runbooks take it in with `use:`. Nothing runs it.
    public var isRules = false
    /// A rules file's `monitor:` rules (and those of the rules files it uses).
    public internal(set) var monitorRules: [MonitorRule] = []
    /// Durations read from parameters, filled in by `resolvingDurations`.
    var durationParameters: [DurationParameter] = []

    /// The runbook's own parameters (scope 0).
    public var parameters: [ParameterSpec] { scopes.first?.parameters ?? [] }

    public func target(named name: String) -> TargetSpec? {
        targets.first { $0.name == name }
    }

    public func probe(named name: String) -> ProbeSpec? {
        probes.first { $0.name == name }
    }

    /// The probe a reference names, or the inline one it holds.
    public func probe(for reference: ProbeReference) -> ProbeSpec? {
        switch reference {
        case let .named(name): return probe(named: name)
        case let .inline(spec): return spec
        }
    }

    /// The guards that protect a step of `scope`: its runbook's and those of
    /// the runbooks that include it.
    public func guards(protecting scope: Int) -> [GuardSpec] {
        let chain = Set(scopeChain(of: scope))
        return guards.filter { chain.contains(owner(of: $0)) }
    }

    /// The guards written in the file itself, not in those it includes or uses.
    public var ownGuards: [GuardSpec] { guards.filter { $0.scope == 0 } }

    /// The scope whose steps `spec` protects: its own, or for a guard of a
    /// rules file the runbook (or included runbook) that uses the file.
    func owner(of spec: GuardSpec) -> Int {
        scopes.indices.contains(spec.scope) ? scopes[spec.scope].guardOwner : spec.scope
    }

    /// How a guard or watch of `scope` came into the runbook when it was
    /// not written in a runbook: `use 'health'` (the rules file used as
    /// health), `use 'base' in use 'health'`. Nil for a runbook's own.
    public func useOrigin(ofScope scope: Int) -> String? {
        var places: [String] = []
        var current = scope
        while scopes.indices.contains(current), scopes[current].origin.isRules {
            places.append(scopes[current].origin.place)
            guard let parent = scopes[current].parent else { break }
            current = parent
        }
        return places.isEmpty ? nil : places.joined(separator: " in ")
    }

    /// `scope`, the scope including it, and so on up to the runbook itself.
    func scopeChain(of scope: Int) -> [Int] {
        var chain: [Int] = []
        var current: Int? = scope
        while let index = current, scopes.indices.contains(index), !chain.contains(index) {
            chain.append(index)
            current = scopes[index].parent
        }
        return chain
    }

    /// For a scope with guards whose steps (and those of the runbooks it
    /// includes) change nothing: its first step that runs on hosts, which
    /// its guards are checked before. Nil when the scope changes something
    /// (its guards protect those changes) or has no guards or no such step.
    func readOnlyGate(of scope: Int) -> String? {
        guard guards.contains(where: { owner(of: $0) == scope }) else { return nil }
        let within = steps.filter { scopeChain(of: $0.scope).contains(scope) }
        guard !within.contains(where: \.isMutating) else { return nil }
        return within.first { step in
            switch step.kind {
            case .run, .check, .collect: true
            default: false
            }
        }?.id
    }

    /// Every step in the order a run meets them: steps, then cleanup.
    var allSteps: [Step] { steps + finally }

    /// Whether any step is an approval gate: its parameters, limit and secrets are then the ones approvers saw.
    public var hasApprovalGate: Bool { allSteps.contains(where: \.isApprovalGate) }
}

/// One file a runbook was read from, kept for the plan hash and for messages.
public struct RunbookSource: Sendable, Hashable {
    public let path: String
    public let text: String
}
