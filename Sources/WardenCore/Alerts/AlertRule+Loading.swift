import Foundation
import Yams

extension AlertRule {
    /// The keys of one rule, in the order the documentation lists them.
    static let keys = ["id", "match", "on", "runbook", "inventory", "params", "incident_key", "approval", "once_within", "max_runs", "flapping",
                       "escalate", "silence"]
    static let escalationKeys = ["when", "label", "at_least", "at_least_percent", "of", "run", "scope", "params"]

    /// Reads an `alert_rules:` section given as its own YAML document (a sequence
    /// of rules); the serve config reads its section with `parse(_:file:)` on the node.
    ///
    /// ```yaml
    /// - id: node-down
    ///   match: ['alertname="NodeDown"', 'severity=~"critical|page"']
    ///   on: [firing]
    ///   runbook: restart-replica
    ///   inventory: pegasus-a
    ///   params: {cluster: "{{ labels.cluster }}", node: "{{ labels.node }}"}
    ///   incident_key: [cluster, node]
    ///   approval: auto
    ///   once_within: 30m
    ///   max_runs: {count: 3, within: 1h}
    ///   flapping: {changes: 4, within: 30m}
    ///   escalate: {label: node, at_least: 3, run: freeze-cluster, params: {cluster: "{{ labels.cluster }}"}}
    /// ```
    public static func parse(_ text: String, file: String) throws(AlertRulesError) -> [AlertRule] {
        let root: Node?
        do {
            root = try YAMLDocument.compose(text, file: file)
        } catch {
            throw AlertRulesError([error])
        }
        guard let root else { return [] }
        let (rules, problems, _) = parse(root, file: file)
        guard problems.isEmpty else { throw AlertRulesError(problems) }
        return rules
    }

    /// Reads the rules of an `alert_rules:` node, with every problem found.
    static func parse(_ node: Node, file: String) -> (rules: [AlertRule], problems: [LocatedError], locations: [String: SourceLocation]) {
        var reader = YAMLFieldReader(file: file)
        guard case let .sequence(items) = node else {
            if YAMLNodeInspection.isNull(node) { return ([], [], [:]) }
            reader.problem("alert_rules must be a list of rules, got \(YAMLNodeInspection.describe(node))", at: node)
            return ([], reader.problems, [:])
        }
        var rules: [AlertRule] = []
        var ids: [String: SourceLocation] = [:]
        for item in items {
            guard let rule = reader.rule(item) else { continue }
            if let first = ids[rule.id] {
                reader.problem("duplicate rule id '\(rule.id)' (first at line \(first.line), column \(first.column))", at: item)
                continue
            }
            ids[rule.id] = reader.at(item)
            rules.append(rule)
        }
        return (rules, reader.problems, ids)
    }
}

/// What reading alert rules adds to reading any config section.
extension YAMLFieldReader {
    mutating func texts(_ node: Node, named name: String) -> [String]? {
        if case let .sequence(items) = node {
            let values = items.compactMap { text($0, named: "an entry of \(name)") }
            return values.count == items.count ? values : nil
        }
        return text(node, named: name).map { [$0] }
    }

    mutating func labelNames(_ node: Node, named name: String) -> [String]? {
        guard let names = texts(node, named: name) else { return nil }
        for label in names where !LabelMatcher.isName(label) {
            problem("\(name): '\(label)' is not a label name", at: node)
            return nil
        }
        return names
    }

    mutating func templates(_ node: Node, named name: String) -> [String: AlertTemplate] {
        guard case .mapping = node else {
            problem("\(name) must be a mapping of parameter names to values, got \(YAMLNodeInspection.describe(node))", at: node)
            return [:]
        }
        let found = YAMLMapping.entries(of: node, context: "in \(name)", file: file)
        problems += found.problems
        var result: [String: AlertTemplate] = [:]
        for entry in found.entries {
            // Numbers and booleans are parameter text too (the runbook's types check them).
            guard case let .scalar(scalar) = entry.value else {
                problem("\(name).\(entry.name) must be text, got \(YAMLNodeInspection.describe(entry.value))", at: entry.value)
                continue
            }
            do {
                result[entry.name] = try AlertTemplate(scalar.string, parameter: entry.name)
            } catch {
                problem("\(name): \(error)", at: entry.value)
            }
        }
        return result
    }

    mutating func matcherList(_ node: Node) -> [LabelMatcher]? {
        var matchers: [LabelMatcher] = []
        let items: [Node]
        if case let .sequence(list) = node { items = Array(list) } else { items = [node] }
        guard !items.isEmpty else {
            problem("match must name at least one matcher (a rule matching every alert is a mistake more often than not)", at: node)
            return nil
        }
        for item in items {
            guard let text = text(item, named: "a matcher") else { return nil }
            do {
                matchers += try LabelMatcher.parseList(text)
            } catch {
                problem("\(error)", at: item, hint: "write matchers as Alertmanager does, e.g. alertname=\"NodeDown\" or severity=~\"critical|page\"")
                return nil
            }
        }
        return matchers
    }

    mutating func rule(_ node: Node) -> AlertRule? {
        let count = problems.count
        let entries = keyed(node, named: "an alert rule", among: AlertRule.keys)
        guard case .mapping = node else { return nil }
        for required in ["id", "match", "runbook", "inventory"] where entries[required] == nil {
            problem("an alert rule needs '\(required)'", at: node)
        }
        let id = entries["id"].flatMap { text($0.value, named: "id") }
        if let id, let node = entries["id"]?.value, !id.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) {
            problem("id '\(id)' may hold only letters, digits, '-', '_' and '.'", at: node)
        }
        let matchers = entries["match"].flatMap { matcherList($0.value) }
        let runbook = entries["runbook"].flatMap { text($0.value, named: "runbook") }
        let inventory = entries["inventory"].flatMap { text($0.value, named: "inventory") }
        var on: Set<AlertStatus> = [.firing]
        if let entry = entries["on"], let names = texts(entry.value, named: "on") {
            on = []
            for name in names {
                if let status = AlertStatus(rawValue: name) { on.insert(status) } else {
                    problem("on: '\(name)' is neither firing nor resolved", at: entry.value,
                            hint: NameSuggestion.hint(for: name, among: AlertStatus.allCases.map(\.rawValue)))
                }
            }
        }
        let params = entries["params"].map { templates($0.value, named: "params") } ?? [:]
        let incidentLabels = entries["incident_key"].flatMap { labelNames($0.value, named: "incident_key") } ?? ["cluster"]
        var approval = AlertApproval.auto
        if let entry = entries["approval"], let name = text(entry.value, named: "approval") {
            if let value = AlertApproval(rawValue: name) { approval = value } else {
                problem("approval must be auto or required, got '\(name)'", at: entry.value,
                        hint: NameSuggestion.hint(for: name, among: AlertApproval.allCases.map(\.rawValue)))
            }
        }
        var throttles = AlertThrottles()
        throttles.onceWithin = entries["once_within"].flatMap { duration($0.value, named: "once_within") }
        if let entry = entries["max_runs"] {
            let fields = keyed(entry.value, named: "max_runs", among: ["count", "within"])
            if let count = fields["count"].flatMap({ integer($0.value, named: "max_runs.count", in: 1...10_000) }),
               let within = fields["within"].flatMap({ duration($0.value, named: "max_runs.within") }) {
                throttles.maxRuns = (count, within)
            } else if fields["count"] == nil || fields["within"] == nil {
                problem("max_runs needs 'count' and 'within'", at: entry.value)
            }
        }
        if let entry = entries["flapping"] {
            let fields = keyed(entry.value, named: "flapping", among: ["changes", "within"])
            if let changes = fields["changes"].flatMap({ integer($0.value, named: "flapping.changes", in: 1...60) }),
               let within = fields["within"].flatMap({ duration($0.value, named: "flapping.within") }) {
                throttles.flapping = (changes, within)
            } else if fields["changes"] == nil || fields["within"] == nil {
                problem("flapping needs 'changes' and 'within'", at: entry.value)
            }
        }
        var escalation: AlertEscalation?
        if let entry = entries["escalate"] {
            let fields = keyed(entry.value, named: "escalate", among: AlertRule.escalationKeys)
            var label = fields["label"].flatMap { labelNames($0.value, named: "escalate.label")?.first }
            var atLeast = fields["at_least"].flatMap { integer($0.value, named: "escalate.at_least", in: 2...10_000) }
            var percent: AlertEscalation.Percent?
            // `when:` is the same threshold as a condition; with it the field-by-field keys would say it twice.
            var conditionGiven = false
            if let when = fields["when"] {
                conditionGiven = true
                let doubled = ["at_least", "at_least_percent", "of"].filter { fields[$0] != nil }
                if !doubled.isEmpty {
                    problem("escalate.when replaces \(doubled.joined(separator: ", ")): give the threshold one way", at: when.value)
                } else if let condition = text(when.value, named: "escalate.when") {
                    switch EscalationCondition.parse(condition) {
                    case let .failure(error):
                        problem("escalate.when: \(error.message) (\(EscalationCondition.grammar))", at: when.value)
                    case let .success(parsed):
                        if let counted = parsed.label {
                            if let label, label != counted {
                                problem("escalate.when counts labels.\(counted) but escalate.label is '\(label)'", at: when.value)
                            }
                            label = counted
                        } else if label == nil {
                            problem("escalate.when has only percent(...): add count(distinct labels.LABEL) >= N, or escalate.label, to say which label names a host",
                                    at: when.value)
                        }
                        atLeast = parsed.atLeast ?? (parsed.percent == nil ? nil : 10_000)
                        percent = parsed.percent
                    }
                }
            } else if let entry = fields["at_least_percent"] {
                let share = YAMLNodeInspection.number(entry.value).flatMap { $0 > 0 && $0 <= 100 ? $0 : nil }
                if share == nil { problem("escalate.at_least_percent must be a number above 0 and at most 100", at: entry.value) }
                let group = fields["of"].flatMap { text($0.value, named: "escalate.of") }
                if group == nil, fields["of"] == nil { problem("escalate.at_least_percent needs 'of': the inventory group whose hosts it counts", at: entry.value) }
                if let share, let group {
                    percent = AlertEscalation.Percent(atLeast: share, group: group)
                    // Resolved against the group's size when the serve config loads its inventories.
                    atLeast = atLeast ?? 10_000
                }
            } else if let node = fields["of"]?.value {
                problem("escalate.of goes with at_least_percent", at: node)
            }
            let run = fields["run"].flatMap { text($0.value, named: "escalate.run") }
            let scope = fields["scope"].flatMap { labelNames($0.value, named: "escalate.scope") }
            let escalationParams = fields["params"].map { templates($0.value, named: "escalate.params") } ?? [:]
            if let label, let atLeast, let run {
                escalation = AlertEscalation(label: label, atLeast: atLeast, runbook: run, scope: scope, params: escalationParams, percent: percent)
            } else if !conditionGiven, fields["label"] == nil || (fields["at_least"] == nil && fields["at_least_percent"] == nil) || fields["run"] == nil {
                problem("escalate needs 'when' (or 'label' and 'at_least' or 'at_least_percent' of a group) and 'run'", at: entry.value)
            } else if conditionGiven, fields["run"] == nil {
                problem("escalate needs 'run': the runbook incident mode runs once for the scope", at: entry.value)
            }
        }
        var silence: AlertSilenceSpec?
        if let entry = entries["silence"] {
            let fields = keyed(entry.value, named: "silence", among: ["alertmanager", "for"])
            let url = fields["alertmanager"].flatMap { text($0.value, named: "silence.alertmanager") }
            if let url, let node = fields["alertmanager"]?.value,
               !(url.hasPrefix("http://") || url.hasPrefix("https://")) || URL(string: url)?.host == nil {
                problem("silence.alertmanager must be an http:// or https:// URL, got '\(url)'", at: node)
            }
            let length = fields["for"].flatMap { duration($0.value, named: "silence.for") } ?? .seconds(3600)
            if let url { silence = AlertSilenceSpec(alertmanager: url, duration: length) } else if fields["alertmanager"] == nil {
                problem("silence needs 'alertmanager' (its base URL)", at: entry.value)
            }
        }
        guard problems.count == count, let id, let matchers, let runbook, let inventory else { return nil }
        return AlertRule(id: id, matchers: matchers, on: on, runbook: runbook, inventory: inventory, params: params, incidentLabels: incidentLabels,
                         approval: approval, throttles: throttles, escalation: escalation, silence: silence)
    }
}
