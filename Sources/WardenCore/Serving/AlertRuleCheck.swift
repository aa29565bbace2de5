/// Checks `alert_rules:` against what the daemon offers, at config load: each
/// rule's runbook (and escalation runbook) is in the catalog, its inventory is
/// configured, every parameter it sets is one the runbook declares, every
/// required parameter without a default is set, and values the config fixes
/// (no label references) have the parameter's type. What depends on an
/// alert's labels is checked when the alert comes: the run is then planned
/// like any other, with the label values as parameter values.
enum AlertRuleCheck {
    static func problems(_ rules: [AlertRule], locations: [String: SourceLocation], catalog: RunbookCatalog,
                         inventories: Set<String>) -> [LocatedError] {
        var problems: [LocatedError] = []
        for rule in rules {
            let location = locations[rule.id]
            let named = "alert rule '\(rule.id)'"
            if !inventories.contains(rule.inventory) {
                problems.append(LocatedError("\(named): inventory '\(rule.inventory)' is not in inventories", at: location,
                                             hint: NameSuggestion.hint(for: rule.inventory, among: inventories)))
            }
            problems += check(runbook: rule.runbook, params: rule.params, what: named, at: location, catalog: catalog)
            if let escalation = rule.escalation {
                problems += check(runbook: escalation.runbook, params: escalation.params, what: "\(named), escalate", at: location, catalog: catalog)
            }
        }
        return problems
    }

    private static func check(runbook name: String, params: [String: AlertTemplate], what: String, at location: SourceLocation?,
                              catalog: RunbookCatalog) -> [LocatedError] {
        guard let runbook = catalog[name] else {
            return [LocatedError("\(what): runbook '\(name)' is not in the catalog (the runbooks folders)", at: location,
                                 hint: NameSuggestion.hint(for: name, among: catalog.names))]
        }
        var problems: [LocatedError] = []
        let declared = Dictionary(runbook.parameters.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for (parameter, template) in params.sorted(by: { $0.key < $1.key }) {
            guard let spec = declared[parameter] else {
                problems.append(LocatedError("\(what): runbook '\(name)' has no parameter '\(parameter)'", at: location,
                                             hint: NameSuggestion.hint(for: parameter, among: declared.keys)))
                continue
            }
            if spec.secret {
                problems.append(LocatedError("\(what): parameter '\(parameter)' of runbook '\(name)' is a secret; an alert rule cannot set a secret",
                                             at: location, hint: "give the runbook the secret as its default from a file, or leave it to an operator"))
            }
            if let literal = template.literal, case let .failure(problem) = spec.type.value(fromText: literal) {
                let shown = spec.secret ? "a value that is not (not shown: secret)" : "'\(VisibleText.line(literal))'"
                problems.append(LocatedError("\(what): parameter '\(parameter)' of runbook '\(name)' must be \(problem.expectation), got \(shown)", at: location))
            }
        }
        for spec in runbook.parameters where spec.required && spec.defaultValue == nil && params[spec.name] == nil {
            problems.append(LocatedError("\(what): runbook '\(name)' requires parameter '\(spec.name)', which the rule does not set", at: location,
                                         hint: "add it to the rule's params, e.g. \(spec.name): \"{{ labels.\(spec.name) }}\""))
        }
        return problems
    }
}
