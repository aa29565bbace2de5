/// Saying where the plan shows `<secret>` for text that is not a secret:
/// redaction masks every text equal to a secret's value, wherever it comes
/// from, so a plan could otherwise hide a table name or a command from its
/// approvers without a word.
extension Planner {
    mutating func noteMask(_ mask: PlanSecretMask) {
        guard !mask.secrets.isEmpty else { return }
        plan.secretMasks = (plan.secretMasks ?? []) + [mask]
    }

    /// Notes the step when its command or undo for `host` shows a secret's
    /// value other than through a secret parameter (a literal, a parameter
    /// that is not secret, the inventory, a host's output).
    mutating func noteSecretLookalikes(_ step: Step, on host: String, in environment: ExpressionEnvironment) {
        guard !context.redactor.isEmpty else { return }
        func lines(in environment: ExpressionEnvironment) -> [String] {
            var lines: [String] = []
            if let line = try? step.renderedCommand(in: environment)?.line { lines.append(line) }
            if let undo = try? step.undo?.render(in: environment) { lines.append(undo) }
            return lines
        }
        guard lines(in: environment).contains(where: { context.redactor.redact($0) != $0 }) else { return }
        // Rendered again with the step's secret parameters blank: whatever is
        // still masked did not come from a secret parameter.
        var blanked = environment
        if case var .map(params) = blanked.variables["params"], context.runbook.scopes.indices.contains(step.scope) {
            for spec in context.runbook.scopes[step.scope].parameters where spec.secret { params[spec.name] = .string("") }
            blanked.variables["params"] = .map(params)
        }
        let secrets = Set(lines(in: blanked).flatMap(context.parameters.secretsShown))
        guard !secrets.isEmpty else { return }
        var masks = plan.secretMasks ?? []
        if let last = masks.indices.last, masks[last].step == step.id {
            masks[last].hosts = (masks[last].hosts ?? []) + [host]
            masks[last].secrets = Array(Set(masks[last].secrets).union(secrets)).sorted()
        } else {
            masks.append(PlanSecretMask(step: step.id, hosts: [host], secrets: secrets.sorted()))
        }
        plan.secretMasks = masks
    }
}
