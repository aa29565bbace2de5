/// Checking what one expression or template reads.
extension RunbookChecks {
    /// The steps an expression may read, and the ones it may not because
    /// they come later (for a message better than "unknown step").
    struct StepVisibility {
        var earlier: Set<String>
        var later: [String: SourceLocation]
    }

    mutating func check(_ template: Template, in context: ExpressionContext, scope: Int, position: StepVisibility?) {
        for hole in template.holes {
            check(hole.expression, in: context, scope: scope, position: position)
        }
        for expression in template.rawHolesReadingValues {
            let (what, hint) = Self.rawHoleRisk(reading: expression.referencedRoots)
            warning("raw hole '{{ raw \(expression.description) }}' in \(context.place) puts \(what)", at: expression.location, hint: hint)
        }
        checkSecrets(in: template, context: context, scope: scope)
    }

    /// What a raw hole reading `roots` lets into the command, and what to do
    /// about it; text from hosts is named first, as the worst.
    private static func rawHoleRisk(reading roots: Set<String>) -> (what: String, hint: String) {
        if !roots.isDisjoint(with: ["steps", "probes"]) {
            return ("text from a host (what a probe or an earlier step printed) into the command unquoted: "
                        + "a host that prints ';' or '$(...)' has it run here as shell code",
                    "drop 'raw': quoted, the text reaches the command as one word, whatever it holds")
        }
        if roots.contains("params") {
            return ("a parameter into the command unquoted: a value with ';' or '$(...)' becomes shell code",
                    "drop 'raw' unless the parameter is trusted shell text")
        }
        if roots.contains("host") {
            return ("inventory data into the command unquoted: a host name or variable with ';' or '$(...)' becomes shell code",
                    "drop 'raw' unless the inventory value is trusted shell text")
        }
        return ("a value computed during the run into the command unquoted: text with ';' or '$(...)' in it becomes shell code",
                "drop 'raw' unless the value is trusted shell text")
    }

    /// `parsed` is whether the output being tested has a parser (nil: not
    /// an output test, or unknown because the probe is undefined).
    mutating func check(
        _ expression: Expression, in context: ExpressionContext, scope: Int, position: StepVisibility?,
        parsed: Bool? = nil, mustBeBool: Bool = false
    ) {
        var clean = true
        for reference in expression.references {
            clean = checkReference(reference, in: context, scope: scope, position: position, parsed: parsed) && clean
        }
        guard clean else { return }
        guard checkFieldPaths(expression, scope: scope) else { return }
        checkWithPlaceholders(expression, in: context, scope: scope, mustBeBool: mustBeBool)
    }

    /// The fields read of `steps.<id>` and `probes.<name>` (and of their
    /// `hosts.<name>`), whose shape is known before any host answers: a
    /// misspelt field is reported here, not first by the plan. False when
    /// one was wrong.
    private mutating func checkFieldPaths(_ expression: Expression, scope: Int) -> Bool {
        var clean = true
        for (read, at) in expression.fieldPaths {
            var (segments, locations) = (read, at)
            // `probes.<name>.before` has the shape of `probes.<name>`: the sample taken before the first change.
            if segments.count >= 3, segments[0] == "probes", segments[2] == "before" {
                segments.remove(at: 2)
                locations.remove(at: 2)
            }
            guard segments.count >= 3, let root = segments[0], root == "steps" || root == "probes",
                  let member = segments[1], let field = segments[2] else { continue }
            let withheld = root == "steps" && runbook.allSteps.contains { $0.id == prefix(of: scope) + member && $0.noLog }
            let fields = withheld ? ExpressionContext.withheldResultFields : ExpressionContext.resultFields
            let owner = "\(root).\(member)"
            guard fields.contains(field) else {
                clean = false
                let because = withheld ? " (step '\(member)' is no_log: its output is not kept)" : ""
                error("\(owner) has no field '\(field)'\(because)", at: locations[2],
                      hint: NameSuggestion.hint(for: field, among: fields) ?? "fields: \(fields.sorted().joined(separator: ", "))")
                continue
            }
            guard field == "hosts", segments.count >= 5, let hostField = segments[4] else { continue }
            let hostFields = withheld ? ExpressionContext.withheldHostResultFields : ExpressionContext.hostResultFields
            guard hostFields.contains(hostField) else {
                clean = false
                let listed = "fields: \(hostFields.joined(separator: ", "))"
                let hint = hostField == "ok"
                    ? "\(listed); '\(hostField)' is the step's, not a host's: read \(owner).\(hostField), or \(owner).hosts[...].exit == 0"
                    : NameSuggestion.hint(for: hostField, among: hostFields) ?? listed
                error("a host's \(owner) has no field '\(hostField)'", at: locations[4], hint: hint)
                continue
            }
        }
        return clean
    }

    private mutating func checkReference(
        _ reference: (root: String, member: String?, location: SourceLocation, rootLocation: SourceLocation),
        in context: ExpressionContext, scope: Int, position: StepVisibility?, parsed: Bool?
    ) -> Bool {
        let (root, member, location, rootLocation) = reference
        // `each` is per step, not per kind of place: the steps of an each group read it, nothing else.
        if root == "each" {
            guard let group else {
                error("'each' is only set in the steps of an each group", at: rootLocation,
                      hint: "an each group runs its steps once per host: {id: roll, each: servers, steps: [...]}")
                return false
            }
            guard let member else { return true }
            guard EachBinding.fields.contains(member) else {
                error("each has no field '\(member)'", at: location,
                      hint: NameSuggestion.hint(for: member, among: EachBinding.fields)
                          ?? "fields: \(EachBinding.fields.joined(separator: ", ")); each.host has the fields of host (group '\(group.id)')")
                return false
            }
            return true
        }
        guard context.roots.contains(root) else {
            let available = context.roots.sorted().joined(separator: ", ")
            var hint = "\(context.place) can read: \(available)"
            if ExpressionContext.outputRoots.contains(root) {
                hint = "'\(root)' is the output of a command, seen only by expect, until, guards and watches"
            } else if root == "steps" || root == "probes", context.roots.contains("host") {
                hint = "probes, guards and watches run on their own and cannot read \(root == "steps" ? "step results" : "other probes")"
            } else if root == "host" {
                hint = "\(context.place) is not evaluated per host"
            } else if let close = NameSuggestion.closest(to: root, among: context.roots) {
                hint = "did you mean '\(close)'?"
            }
            error("'\(root)' is not available in \(context.place)", at: rootLocation, hint: hint)
            return false
        }
        if root == "result", parsed == false {
            error("'result' is only set when the output is parsed; \(context.place) has no 'parse:'", at: rootLocation,
                  hint: "test stdout, or add e.g. 'parse: json'")
            return false
        }
        guard let member else { return true }
        switch root {
        case "params":
            let names = runbook.scopes.indices.contains(scope) ? runbook.scopes[scope].parameters.map(\.name) : []
            guard names.contains(member) else {
                error("unknown parameter '\(member)'", at: location,
                      hint: NameSuggestion.hint(for: member, among: names) ?? (names.isEmpty ? "the runbook declares no params" : "params: \(names.joined(separator: ", "))"))
                return false
            }
        case "steps":
            let id = prefix(of: scope) + member
            if let position, !position.earlier.contains(id) {
                if let later = position.later[id] {
                    error("\(context.place) reads steps.\(member), which has not run yet at that point (it is at line \(later.line))", at: location)
                } else {
                    let known = localNames(Array(position.earlier), scope: scope)
                    error("unknown step '\(member)'", at: location,
                          hint: NameSuggestion.hint(for: member, among: known) ?? (known.isEmpty ? "no step runs before this one" : "earlier steps: \(known.sorted().joined(separator: ", "))"))
                }
                return false
            }
        case "probes":
            let known = localNames(runbook.probes.map(\.name), scope: scope)
            guard known.contains(member) else {
                error("unknown probe '\(member)'", at: location,
                      hint: NameSuggestion.hint(for: member, among: known) ?? (known.isEmpty ? "define it under 'probes'" : "probes: \(known.joined(separator: ", "))"))
                return false
            }
        case "host":
            guard ExpressionContext.hostFields.contains(member) else {
                error("host has no field '\(member)'", at: location,
                      hint: NameSuggestion.hint(for: member, among: ExpressionContext.hostFields) ?? "fields: \(ExpressionContext.hostFields.joined(separator: ", ")); inventory vars are host.vars.<name>")
                return false
            }
        default:
            break
        }
        return true
    }

    /// An expression that reads only parameters is evaluated on a value of
    /// each parameter's type: `params.max_qps > "high"` fails whatever is
    /// passed, and a condition that is not true or false is a mistake.
    private mutating func checkWithPlaceholders(_ expression: Expression, in context: ExpressionContext, scope: Int, mustBeBool: Bool) {
        guard expression.referencedRoots.isSubset(of: ["params"]), runbook.scopes.indices.contains(scope) else { return }
        var parameters: [String: Value] = [:]
        for spec in runbook.scopes[scope].parameters {
            parameters[spec.name] = spec.defaultValue ?? spec.type.placeholder
        }
        let environment = ExpressionEnvironment(variables: ["params": .map(parameters)])
        do {
            let value = try expression.evaluate(in: environment)
            if mustBeBool, case .bool = value {} else if mustBeBool {
                error("\(context.place) must be true or false, but '\(expression.text)' gives \(value.typeName)", at: expression.location)
            }
        } catch {
            let valueDependent = ["division by zero", "out of range", "overflow", "empty list", "too large", "finite", "has no", "cannot be indexed"]
            guard !valueDependent.contains(where: { error.message.contains($0) }) else { return }
            self.error("\(context.place): \(error.message)", at: error.location ?? expression.location, hint: error.hint)
        }
    }
}
