import Foundation
import Testing
@testable import WardenCore

/// `alert_rules:`, `alerts:` and `notify:` in the serve config: read with
/// file:line:column and checked against the catalog and inventories at load,
/// so that a rule that could never start its runbook stops the daemon before
/// the first alert finds out.
@Suite("Alert rules in the serve config")
struct AlertRulesConfigTests {
    static let runbook = """
        name: freeze
        params:
          cluster: {type: string, required: true}
          nodes: {type: int, default: 1}
          password: {type: string, secret: true}
        targets:
          meta: {hosts: meta1, exactly: 1}
        steps:
          - id: look
            on: meta
            check: "echo {{ params.cluster }}"
        """

    /// A folder with the runbook, an inventory and `serve.yaml` holding `rules` (and `extra`).
    private func site(rules: String, extra: String = "") throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("warden-alert-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/runbooks", withIntermediateDirectories: true)
        try Self.runbook.write(toFile: folder + "/runbooks/freeze.yaml", atomically: true, encoding: .utf8)
        try "hosts:\n  meta1: {address: 127.0.0.1}\n".write(toFile: folder + "/inventory.yaml", atomically: true, encoding: .utf8)
        try """
            state: state
            inventories: {lab: inventory.yaml}
            runbooks: [runbooks]
            alert_rules:
            \(rules)
            \(extra)
            """.write(toFile: folder + "/serve.yaml", atomically: true, encoding: .utf8)
        return folder
    }

    @Test func aGoodRuleLoadsWithTheLimitsAndWebhooks() throws {
        let folder = try site(rules: """
              - id: mass-failure
                match: ['alertname="ReplicaDown"']
                runbook: freeze
                inventory: lab
                params: {cluster: "{{ labels.cluster }}", nodes: "3"}
                silence: {alertmanager: "http://127.0.0.1:9093", for: 30m}
            """, extra: """
            alerts: {max_runs: {count: 5, within: 1h}, max_targets_in_remediation: 4}
            notify:
              - {url: "https://chat.example/hook", token_file: hook.token, events: [escalated, blocked]}
            """)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (configuration, _) = try ServeConfiguration.load(path: folder + "/serve.yaml", environment: [:])
        #expect(configuration.alertRules.map(\.id) == ["mass-failure"])
        #expect(configuration.alertRules.first?.silence == AlertSilenceSpec(alertmanager: "http://127.0.0.1:9093", duration: .seconds(1800)))
        #expect(configuration.alertLimits == AlertLimits(maxRuns: AlertRunLimit(count: 5, within: .seconds(3600)), maxTargetsInRemediation: 4))
        #expect(configuration.notify == [NotifyTarget(url: "https://chat.example/hook", tokenFile: folder + "/hook.token", events: ["escalated", "blocked"])])
    }

    @Test func aRuleIsCheckedAgainstTheCatalogWithWhereItIsWritten() throws {
        let folder = try site(rules: """
              - id: typo
                match: ['alertname="ReplicaDown"']
                runbook: freez
                inventory: lab
              - id: wrong-params
                match: ['alertname="ReplicaDown"']
                runbook: freeze
                inventory: labb
                params: {cluster: "{{ labels.cluster }}", nodse: "3", nodes: "three", password: "{{ labels.pw }}"}
              - id: missing
                match: ['alertname="ReplicaDown"']
                runbook: freeze
                inventory: lab
            """, extra: "notify: [{url: ftp://x, events: [paged]}]")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var message = ""
        do {
            _ = try ServeConfiguration.load(path: folder + "/serve.yaml", environment: [:])
        } catch {
            message = "\(error)"
        }
        let file = folder + "/serve.yaml"
        #expect(message.contains("notify.url must be an http:// or https:// URL, got 'ftp://x'"), "\(message)")
        #expect(message.contains("notify.events: 'paged' is not one of"), "\(message)")
        // The notify problems stop the load before the catalog is read: fix them and look again.
        try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "notify: [{url: ftp://x, events: [paged]}]", with: "")
            .write(toFile: file, atomically: true, encoding: .utf8)
        do {
            _ = try ServeConfiguration.load(path: file, environment: [:])
        } catch {
            message = "\(error)"
        }
        #expect(message.contains("\(file):5:5"), "the first rule's place: \(message)")
        #expect(message.contains("alert rule 'typo': runbook 'freez' is not in the catalog") && message.contains("did you mean 'freeze'?"), "\(message)")
        #expect(message.contains("alert rule 'wrong-params': inventory 'labb' is not in inventories"), "\(message)")
        #expect(message.contains("runbook 'freeze' has no parameter 'nodse'"), "\(message)")
        #expect(message.contains("parameter 'nodes' of runbook 'freeze' must be an integer, got 'three'"), "\(message)")
        #expect(message.contains("parameter 'password' of runbook 'freeze' is a secret"), "\(message)")
        #expect(message.contains("alert rule 'missing': runbook 'freeze' requires parameter 'cluster'"), "\(message)")
        #expect(message.contains("alert rule 'typo': runbook 'freez'") && !message.contains("alert rule 'typo': runbook 'freeze' requires"), "\(message)")
    }
}

extension AlertRulesConfigTests {
    /// The shipped example rules check against the shipped runbooks.
    @Test func theExampleRulesCheckAgainstTheShippedRunbooks() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let file = root + "/deploy/alert-rules.example.yaml"
        let rules = try AlertRule.parse(try String(contentsOfFile: file, encoding: .utf8), file: file)
        #expect(rules.map(\.id) == ["pegasus-mass-failure", "pegasus-crash-loop-pause", "pegasus-crash-loop-cores", "fdb-fault-tolerance-lost"])
        let catalog = RunbookCatalog.load(folders: ["pegasus", "fdb"].map { root + "/runbooks/" + $0 })
        #expect(catalog.problems.isEmpty)
        let problems = AlertRuleCheck.problems(rules, locations: [:], catalog: catalog, inventories: ["pegasus", "fdb"])
        #expect(problems.isEmpty, "\(problems)")
    }
}

extension AlertRulesConfigTests {
    /// `at_least_percent` of an inventory group becomes a count of its hosts when the config
    /// loads, the lower of it and `at_least`; a group the inventory lacks is named.
    @Test func aPercentOfAGroupBecomesACountOfItsHosts() throws {
        let folder = try site(rules: """
            \(Self.replicaRule("by-share", escalate: #"{label: node, at_least_percent: 30, of: replica, run: freeze, params: {cluster: "{{ labels.cluster }}"}}"#))
            \(Self.replicaRule("both", escalate: #"{label: node, at_least: 2, at_least_percent: 50, of: replica, run: freeze, params: {cluster: "{{ labels.cluster }}"}}"#))
            """)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.writeReplicaInventory(in: folder)
        let (configuration, _) = try ServeConfiguration.load(path: folder + "/serve.yaml", environment: [:])
        #expect(configuration.alertRules.map { $0.escalation?.atLeast } == [3, 2])

        let file = folder + "/serve.yaml"
        try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "of: replica, run", with: "of: replicas, run")
            .write(toFile: file, atomically: true, encoding: .utf8)
        var message = ""
        do {
            _ = try ServeConfiguration.load(path: file, environment: [:])
        } catch {
            message = "\(error)"
        }
        #expect(message.contains("alert rule 'by-share': escalate.of: inventory 'lab' has no group 'replicas'") && message.contains("did you mean 'replica'?"),
                "\(message)")
    }
}

/// An incident's close reason is read from its decision whatever its key's labels hold.
@Suite("Incident view")
struct IncidentViewTests {
    @Test func theCloseReasonIsWholeWhenALabelHoldsAColon() {
        let key = IncidentKey(rule: "node-down", labels: [("cluster", "a: b")])
        let decision = AlertDecision.closed(incident: "I1", key: key, .byOperator("done: for now"))
        let entry = AlertDecisionEntry(sequence: 1, input: 1, at: 0, kind: decision.kind, rule: decision.rule, key: key.description,
                                       incident: "I1", run: nil, summary: decision.description)
        let view = IncidentView.build(decisions: [entry], open: [])
        #expect(view.first?.closedBecause == "closed by an operator: done: for now")
    }
}

extension AlertRulesConfigTests {
    /// `escalate.when` is the same threshold as the field-by-field keys, written as a condition:
    /// both spellings load into the same escalation (a percent still becomes a count of the
    /// group's hosts); a condition that says anything else is refused, naming the column.
    @Test func anEscalationConditionLoadsAsTheSameThresholdAsItsFields() throws {
        let folder = try site(rules: """
            \(Self.replicaRule("by-condition", escalate: #"{when: "count(distinct labels.node) >= 5 or percent(inventory replica) >= 20", run: freeze, scope: [cluster], params: {cluster: "{{ labels.cluster }}"}}"#))
            \(Self.replicaRule("by-fields", escalate: #"{label: node, at_least: 5, at_least_percent: 20, of: replica, run: freeze, scope: [cluster], params: {cluster: "{{ labels.cluster }}"}}"#))
            \(Self.replicaRule("by-count", escalate: #"{when: "count(distinct labels.node)>=3", run: freeze, params: {cluster: "{{ labels.cluster }}"}}"#))
            """)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.writeReplicaInventory(in: folder)
        let (configuration, _) = try ServeConfiguration.load(path: folder + "/serve.yaml", environment: [:])
        let escalations = configuration.alertRules.map(\.escalation)
        #expect(escalations[0] == escalations[1])
        #expect(escalations[0]?.label == "node" && escalations[0]?.atLeast == 2, "20% of 10 hosts is 2, below 5: \(String(describing: escalations[0]))")
        #expect(escalations[2]?.label == "node" && escalations[2]?.atLeast == 3 && escalations[2]?.percent == nil && escalations[2]?.runbook == "freeze")
    }

    @Test(arguments: [
        ("count(distinct labels.node) > 3", "expected `) >= N` at column 29, found '> 3'"),
        ("count(labels.node) >= 3", "expected `(distinct labels.LABEL)` after `count` at column 7"),
        ("count(distinct node) >= 3", "expected `labels.LABEL` (a Prometheus label name) at column 16, found 'node) >= 3'"),
        ("count(distinct labels.node) >= 1", "expected a whole number from 2 to 10000 at column 32"),
        ("percent(inventory replica) >= 300", "expected a percent above 0 and at most 100 at column 31"),
        ("count(distinct labels.node) >= 3 and percent(inventory replica) >= 30", "expected `or` or the end at column 34, found 'and percent"),
        ("count(distinct labels.a) >= 2 or count(distinct labels.b) >= 2", "`count(...)` is given twice (column 34)"),
        ("max(labels.node) >= 3", "got 'max' at column 1"),
        ("", "expected `count(` or `percent(` at column 1, found the end"),
    ])
    func aConditionThatSaysSomethingElseIsRefused(_ condition: String, _ message: String) {
        guard case let .failure(error) = EscalationCondition.parse(condition) else {
            Issue.record("'\(condition)' was accepted")
            return
        }
        #expect(error.message.contains(message), "\(error.message)")
    }

    @Test func aConditionThatLoadsWrongNamesTheProblem() throws {
        for (escalate, problem) in [
            (#"{when: "count(distinct labels.node) >= 3", at_least: 4, run: freeze, params: {cluster: "{{ labels.cluster }}"}}"#, "escalate.when replaces at_least: give the threshold one way"),
            (#"{when: "percent(inventory replica) >= 30", run: freeze, params: {cluster: "{{ labels.cluster }}"}}"#, "escalate.when has only percent(...)"),
            (#"{when: "count(distinct labels.node) >= 3", label: pod, run: freeze, params: {cluster: "{{ labels.cluster }}"}}"#, "escalate.when counts labels.node but escalate.label is 'pod'"),
            (#"{when: "count(distinct labels.node) >= 3"}"#, "escalate needs 'run'"),
            (#"{when: "count(distinct labels.node) => 3", run: freeze, params: {cluster: "{{ labels.cluster }}"}}"#, "escalate.when: expected `) >= N` at column 29"),
        ] {
            let folder = try site(rules: Self.replicaRule("bad", escalate: escalate))
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let message = Self.loadFailure(folder)
            #expect(message.contains(problem) && message.contains("serve.yaml:"), "\(escalate): \(message)")
        }
    }
}

extension AlertRulesConfigTests {
    /// A rule on `ReplicaDown` alerts running `freeze` on `lab`, escalating as `escalate` says.
    static func replicaRule(_ id: String, escalate: String) -> String {
        """
              - id: \(id)
                match: ['alertname="ReplicaDown"']
                runbook: freeze
                inventory: lab
                params: {cluster: "{{ labels.cluster }}"}
                escalate: \(escalate)
            """
    }

    /// Why the site's serve config does not load ("" when it does).
    static func loadFailure(_ folder: String) -> String {
        do {
            _ = try ServeConfiguration.load(path: folder + "/serve.yaml", environment: [:])
            return ""
        } catch {
            return "\(error)"
        }
    }

    /// The site's inventory with `meta1` and ten hosts in group `replica`.
    static func writeReplicaInventory(in folder: String) throws {
        let hosts = (1...10).map { "  r\($0): {address: 127.0.0.\($0), groups: [replica]}" }.joined(separator: "\n")
        try "hosts:\n  meta1: {address: 127.0.0.1}\n\(hosts)\n".write(toFile: folder + "/inventory.yaml", atomically: true, encoding: .utf8)
    }
}
