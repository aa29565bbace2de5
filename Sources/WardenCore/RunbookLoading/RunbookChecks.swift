/// The checks that need the whole runbook: references between its parts
/// (targets, probes, steps, parameters), the names each expression may read,
/// expressions that fail on any value of their parameters' types, and the
/// warnings about legal but risky runbooks.
struct RunbookChecks {
    let runbook: Runbook
    private(set) var diagnostics: [Diagnostic] = []
    /// The `each:` group of the step being checked: its expressions may read `each`.
    var group: StepGroup?

    init(runbook: Runbook) {
        self.runbook = runbook
    }

    mutating func run() {
        checkUniqueIDs()
        checkTargets()
        checkProbes()
        checkGuardsAndWatches()
        checkMonitorRules()
        checkSteps()
        checkBecome()
        checkRunWide()
    }

    // MARK: - Reporting

    mutating func error(_ message: String, at location: SourceLocation?, hint: String? = nil) {
        diagnostics.append(Diagnostic(.error, LocatedError(message, at: location, hint: hint)))
    }

    mutating func warning(_ message: String, at location: SourceLocation?, hint: String? = nil) {
        diagnostics.append(Diagnostic(.warning, LocatedError(message, at: location, hint: hint)))
    }

    func prefix(of scope: Int) -> String {
        runbook.scopes.indices.contains(scope) ? runbook.scopes[scope].prefix : ""
    }

    /// Names of a scope, without its prefix, as its own expressions write them.
    func localNames(_ names: [String], scope: Int) -> [String] {
        let prefix = prefix(of: scope)
        return names.filter { $0.hasPrefix(prefix) && !$0.dropFirst(prefix.count).contains(".") }.map { String($0.dropFirst(prefix.count)) }
    }

    // MARK: - Names

    private mutating func checkUniqueIDs() {
        var seen: [String: SourceLocation] = [:]
        for step in runbook.allSteps {
            if let first = seen[step.id] {
                error("duplicate step id '\(step.id)' (first used at line \(first.line), column \(first.column))", at: step.location)
            } else {
                seen[step.id] = step.location
            }
        }
        // An include step and a use named alike in one file would give their
        // steps, probes and targets the same names.
        var prefixes: [String: RunbookScope] = [:]
        for scope in runbook.scopes where scope.parent != nil {
            if let first = prefixes[scope.prefix], let location = scope.introducedAt {
                let name = String(scope.prefix.dropLast())
                error("\(scope.origin.place) and \(first.origin.place) give the same name '\(name)' to what they bring in", at: location,
                      hint: "rename the include step or use the rules file under another name with 'as'")
            } else {
                prefixes[scope.prefix] = scope
            }
        }
    }

    private mutating func checkTargets() {
        for target in runbook.targets {
            check(target.pattern, in: .parametersOnly("hosts of target '\(target.name)'"), scope: target.scope, position: nil)
        }
    }

    mutating func checkTarget(_ name: String, scope: Int, at location: SourceLocation) {
        guard runbook.target(named: name) == nil else { return }
        let local = String(name.dropFirst(prefix(of: scope).count))
        if local == "each" {
            error("'on: each' is only for the steps of an each group", at: location,
                  hint: "put the step under a group, e.g. {id: roll, each: servers, steps: [...]}, or name a target")
            return
        }
        let known = localNames(runbook.targets.map(\.name), scope: scope)
        error("unknown target '\(local)'", at: location,
              hint: NameSuggestion.hint(for: local, among: known) ?? (known.isEmpty ? "define it under 'targets'" : "targets: \(known.joined(separator: ", "))"))
    }

    private mutating func checkProbes() {
        for probe in runbook.probes {
            checkProbeBody(probe, place: "probe '\(probe.name)'")
        }
    }

    mutating func checkProbeBody(_ probe: ProbeSpec, place: String) {
        checkTarget(probe.target, scope: probe.scope, at: probe.targetLocation)
        check(probe.command, in: .probeCommand("the command of \(place)"), scope: probe.scope, position: nil)
    }

    /// The probe a reference names, checking it exists (named) or is well
    /// formed (inline).
    mutating func resolveProbe(_ reference: ProbeReference, scope: Int, at location: SourceLocation, place: String) -> ProbeSpec? {
        switch reference {
        case let .named(name):
            if let probe = runbook.probe(named: name) { return probe }
            let local = String(name.dropFirst(prefix(of: scope).count))
            // With the probes of the rules files this scope uses, by the names it uses them under.
            let used = runbook.probes.filter { probe in
                runbook.scopes.indices.contains(probe.scope) && runbook.scopes[probe.scope].origin.isRules && runbook.scopes[probe.scope].parent == scope
            }
            let known = localNames(runbook.probes.map(\.name), scope: scope) + used.map { String($0.name.dropFirst(prefix(of: scope).count)) }
            error("unknown probe '\(local)' in \(place)", at: location,
                  hint: NameSuggestion.hint(for: local, among: known) ?? (known.isEmpty ? "define it under 'probes'" : "probes: \(known.joined(separator: ", "))"))
            return nil
        case let .inline(probe):
            checkProbeBody(probe, place: place)
            return probe
        }
    }

    private mutating func checkMonitorRules() {
        for rule in runbook.monitorRules {
            let probe = resolveProbe(rule.probe, scope: rule.scope, at: rule.probeLocation, place: "monitor rule '\(rule.name)'")
            if let fires = rule.fires {
                check(fires, in: .probeTest("fires"), scope: rule.scope, position: nil, parsed: probe.map { $0.parser != nil }, mustBeBool: true)
            }
            if let value = rule.value {
                check(value, in: .probeTest("value"), scope: rule.scope, position: nil, parsed: probe.map { $0.parser != nil })
            }
        }
    }

    private mutating func checkGuardsAndWatches() {
        for guardSpec in runbook.guards {
            let probe = resolveProbe(guardSpec.probe, scope: guardSpec.scope, at: guardSpec.probeLocation, place: "a guard")
            check(guardSpec.expect, in: .probeTest("a guard's expect"), scope: guardSpec.scope, position: nil,
                  parsed: probe.map { $0.parser != nil }, mustBeBool: true)
        }
        for watch in runbook.watches {
            let probe = resolveProbe(watch.probe, scope: watch.scope, at: watch.probeLocation, place: "a watch")
            if let abortIf = watch.abortIf {
                check(abortIf, in: .probeTest("abort_if"), scope: watch.scope, position: nil,
                      parsed: probe.map { $0.parser != nil }, mustBeBool: true)
            }
            if let decreased = watch.decreased {
                check(decreased.value, in: .probeTest("decreased.value"), scope: watch.scope, position: nil,
                      parsed: probe.map { $0.parser != nil })
            }
        }
    }

    private mutating func checkRunWide() {
        if let lock = runbook.lock {
            check(lock.name, in: .parametersOnly("the lock"), scope: 0, position: nil)
            if let target = lock.target, let location = lock.targetLocation {
                checkTarget(target, scope: 0, at: location)
            }
        }
        if let window = runbook.window {
            check(window.between, in: .parametersOnly("the window's between"), scope: 0, position: nil)
            check(window.timezone, in: .parametersOnly("the window's timezone"), scope: 0, position: nil)
        }
        for scope in runbook.scopes where scope.parent != nil {
            for (name, argument) in scope.arguments.sorted(by: { $0.key < $1.key }) {
                let parent = scope.parent ?? 0
                switch argument {
                case .literal: break
                case let .expression(expression):
                    check(expression, in: .parametersOnly("params.\(name) of \(scope.origin.place)"), scope: parent, position: nil)
                case let .text(template):
                    check(template, in: .parametersOnly("params.\(name) of \(scope.origin.place)"), scope: parent, position: nil)
                }
            }
        }
    }
}
