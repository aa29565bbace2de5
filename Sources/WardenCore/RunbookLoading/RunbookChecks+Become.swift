/// A step's `become.password` names a secret string parameter of the step's
/// own runbook: a password must never be typed into a runbook, shown in a
/// plan or kept in the journal, which only secret parameters guarantee.
extension RunbookChecks {
    mutating func checkBecome() {
        for step in runbook.allSteps {
            guard case let .become(spec)? = step.become, let name = spec.passwordParameter else { continue }
            let scope = runbook.scopes.indices.contains(step.scope) ? runbook.scopes[step.scope] : nil
            guard let parameter = scope?.parameter(named: name) else {
                error("step '\(step.id)': become.password names '\(name)', which is not a parameter of this runbook", at: step.location,
                      hint: "declare it: params: {\(name): {type: string, secret: true}}")
                continue
            }
            if step.deadman != nil {
                error("step '\(step.id)': a deadman's revert fires unattended, long after the run handed sudo its password, so it cannot run as \(spec.user) through a sudo that asks for one",
                      at: step.location, hint: "let the login user run the revert as \(spec.user) without a password (NOPASSWD for that command), and drop become.password from this step")
            }
            if !parameter.secret {
                error("step '\(step.id)': become.password names '\(name)', which is not secret: its value would be shown and journaled", at: step.location,
                      hint: "declare it with secret: true")
            }
        }
    }
}
