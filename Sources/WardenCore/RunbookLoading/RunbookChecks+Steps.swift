/// Checks of each step: its target, probe, expressions and templates, and
/// the warnings about mutating steps nothing guards.
extension RunbookChecks {
    mutating func checkSteps() {
        let main = runbook.steps
        let cleanup = runbook.finally
        var locations: [String: SourceLocation] = [:]
        for step in runbook.allSteps where locations[step.id] == nil { locations[step.id] = step.location }

        // Each group's target once, at its first step (whose scope is the group's).
        var groups: Set<StepGroup> = []
        for step in main {
            if let group = step.group, groups.insert(group).inserted { checkTarget(group.target, scope: step.scope, at: group.targetLocation) }
        }

        var earlier: Set<String> = []
        for (index, step) in main.enumerated() {
            let later = Dictionary((main[(index + 1)...] + cleanup).map { ($0.id, $0.location) }, uniquingKeysWith: { first, _ in first })
            checkStep(step, visibility: StepVisibility(earlier: earlier, later: later), undoneSoFar: main[...index])
            earlier.insert(step.id)
        }
        for (index, step) in cleanup.enumerated() {
            let later = Dictionary(cleanup[(index + 1)...].map { ($0.id, $0.location) }, uniquingKeysWith: { first, _ in first })
            checkStep(step, visibility: StepVisibility(earlier: earlier, later: later), undoneSoFar: [])
            earlier.insert(step.id)
        }
    }

    private mutating func checkStep(_ step: Step, visibility: StepVisibility, undoneSoFar: ArraySlice<Step>) {
        let name = "step '\(step.id)'"
        group = step.group
        defer { group = nil }
        // A step that runs on hosts reads `host` per host, also when its missing 'on:' was reported.
        let perHost: Bool = switch step.kind {
        case .run, .check, .collect: true
        default: step.target != nil
        }
        if let target = step.target {
            checkTarget(target, scope: step.scope, at: step.targetLocation ?? step.location)
        }
        if let when = step.when {
            check(when, in: .condition("when of \(name)", perHost: perHost), scope: step.scope, position: visibility, mustBeBool: true)
        }
        switch step.kind {
        case let .run(command), let .check(command):
            check(command, in: .command("the command of \(name)"), scope: step.scope, position: visibility)
            let parsed = step.parser != nil
            if let expect = step.expect {
                check(expect, in: .outputTest("expect of \(name)"), scope: step.scope, position: visibility, parsed: parsed, mustBeBool: true)
            }
            if let until = step.until {
                check(until, in: .outputTest("until of \(name)"), scope: step.scope, position: visibility, parsed: parsed, mustBeBool: true)
            }
        case let .wait(wait):
            let probe = resolveProbe(wait.probe, scope: step.scope, at: wait.probeLocation, place: "wait of \(name)")
            check(wait.until, in: .outputTest("until of \(name)"), scope: step.scope, position: visibility,
                  parsed: probe.map { $0.parser != nil }, mustBeBool: true)
            if wait.timeout == .window, runbook.window == nil {
                error("wait of \(name) lasts until the window ends, but the runbook has no window", at: step.location,
                      hint: "add window: {between: \"02:00-05:00\", timezone: UTC}, or give the timeout as a duration")
            }
        case let .collect(collect):
            for path in collect.paths {
                check(path, in: .remotePaths("the paths of \(name)"), scope: step.scope, position: visibility)
            }
            if let cap = collect.maxBytes {
                // Rendered before any path is fetched, from the parameters alone.
                check(cap, in: .parametersOnly("max_bytes of \(name)"), scope: step.scope, position: visibility)
            }
        case let .report(report):
            check(report.name, in: .report("the name of \(name)'s report"), scope: step.scope, position: visibility)
            if let markdown = report.markdown {
                check(markdown, in: .report("the markdown of \(name)"), scope: step.scope, position: visibility)
            }
            if let json = report.json {
                check(json, in: .report("the json of \(name)"), scope: step.scope, position: visibility, mustBeBool: false)
            }
        case .approve, .pause:
            break
        }
        if let gate = step.betweenBatches {
            let place = "between_batches of \(name)"
            let probe = resolveProbe(gate.wait.probe, scope: step.scope, at: gate.wait.probeLocation, place: place)
            check(gate.wait.until, in: .outputTest("until of \(place)"), scope: step.scope, position: visibility,
                  parsed: probe.map { $0.parser != nil }, mustBeBool: true)
            if gate.wait.timeout == .window, runbook.window == nil {
                error("\(place) waits until the window ends, but the runbook has no window", at: gate.location,
                      hint: "give the timeout as a duration")
            }
        }
        if let verify = step.verify {
            check(verify.command, in: .command("verify of \(name)"), scope: step.scope, position: visibility)
            check(verify.expect, in: .outputTest("verify.expect of \(name)"), scope: step.scope, position: visibility,
                  parsed: verify.parser != nil, mustBeBool: true)
        }
        if let deadman = step.deadman {
            if !step.isMutating {
                // Other kinds are refused by the loader; a `readonly: true` run step is caught here.
                if case .run = step.kind {
                    error("\(name) is read-only: a deadman reverts a change, and this step makes none", at: deadman.location)
                }
            } else if let command = deadman.command {
                // Rendered before the step runs: it cannot read the step's own result.
                check(command, in: .deadmanCommand("deadman of \(name)"), scope: step.scope, position: visibility)
            } else if let undo = step.undo {
                check(undo, in: .deadmanCommand("the deadman (its undo) of \(name)"), scope: step.scope, position: visibility)
            } else {
                error("\(name) has a deadman but nothing to revert with: give it 'undo' or 'deadman: {after: ..., run: ...}'",
                      at: deadman.location)
            }
            if deadman.after < .seconds(5) {
                error("a deadman of less than 5s would revert the change before it can be checked", at: deadman.location)
            }
        }
        if let undo = step.undo {
            var withSelf = visibility
            withSelf.earlier.insert(step.id)
            withSelf.later[step.id] = nil
            check(undo, in: .command("undo of \(name)"), scope: step.scope, position: withSelf)
        }
        if step.isMutating, !step.isCleanup, !isGuarded(scope: step.scope), step.unguarded == nil {
            warning("\(name) changes hosts, but no guard checks the cluster before it", at: step.location,
                    hint: "add a guard (a probe and what must hold) so an unhealthy cluster stops the run before the change, "
                        + "or say why none is needed with unguarded: \"reason\"")
        }
        // An acknowledgement that acknowledges nothing misleads its reader: say so.
        if step.unguarded != nil, step.isCleanup {
            warning("\(name) is cleanup, which guards never hold back: 'unguarded' says nothing here", at: step.location,
                    hint: "remove 'unguarded'")
        } else if step.unguarded != nil, step.isMutating, isGuarded(scope: step.scope) {
            warning("\(name) says unguarded, but the runbook's guards are checked before it", at: step.location,
                    hint: "remove 'unguarded'")
        }
        if step.onError == .rollback, !undoneSoFar.contains(where: { $0.undo != nil }) {
            warning("\(name) rolls back on error, but no step up to it has an undo: a rollback would undo nothing", at: step.location)
        }
    }

    /// Guards apply to the steps of their own runbook and of runbooks it includes.
    private func isGuarded(scope: Int) -> Bool {
        !runbook.guards(protecting: scope).isEmpty
    }
}
