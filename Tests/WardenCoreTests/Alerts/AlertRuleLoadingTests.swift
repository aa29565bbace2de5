import Testing
@testable import WardenCore

extension AlertsTests {
    @Suite("Alert rule loading")
    struct AlertRuleLoadingTests {
        static let example = """
        - id: node-down
          match: ['alertname="NodeDown"', 'severity=~"critical|page"']
          on: [firing, resolved]
          runbook: restart-replica
          inventory: pegasus-a
          params: {cluster: "{{ labels.cluster }}", node: "{{ labels.node }}", attempts: 3}
          incident_key: [cluster, node]
          approval: required
          once_within: 30m
          max_runs: {count: 3, within: 1h}
          flapping: {changes: 4, within: 30m}
          escalate: {label: node, at_least: 3, run: freeze-cluster, params: {cluster: "{{ labels.cluster }}"}}
        - id: fdb-lag
          match: '{alertname="FDBStorageLag"}'
          runbook: fdb-exclude
          inventory: fdb-prod
        """

        @Test func aFullRuleAndAMinimalOneLoad() throws {
            let rules = try AlertRule.parse(Self.example, file: "serve.yaml")
            #expect(rules.map(\.id) == ["node-down", "fdb-lag"])
            let full = rules[0]
            #expect(full.matchers.map(\.description) == [#"alertname="NodeDown""#, #"severity=~"critical|page""#])
            #expect(full.on == [.firing, .resolved])
            #expect(full.params["attempts"]?.source == "3")
            #expect(full.incidentLabels == ["cluster", "node"])
            #expect(full.approval == .required)
            #expect(full.throttles == AlertThrottles(onceWithin: .seconds(1800), maxRuns: (3, .seconds(3600)), flapping: (4, .seconds(1800))))
            #expect(full.escalation?.runbook == "freeze-cluster")
            #expect(full.escalation?.atLeast == 3)
            let minimal = rules[1]
            #expect(minimal.on == [.firing])
            #expect(minimal.incidentLabels == ["cluster"])
            #expect(minimal.approval == .auto)
            #expect(minimal.throttles == AlertThrottles())
            #expect(minimal.escalation == nil)
        }

        @Test func problemsSayWhereWithDidYouMean() {
            let text = """
            - id: node-down
              match: ['alertname~"NodeDown"']
              runbok: restart-replica
              inventory: pegasus-a
              params: {node: "{{ label.node }}"}
              approval: sometimes
              once_within: soon
              escalate: {label: node, at_least: 3, rnu: freeze}
            - id: node-down
              match: 'a="b"'
              runbook: r
              inventory: i
            """
            do {
                _ = try AlertRule.parse(text, file: "serve.yaml")
                Issue.record("the rules loaded")
            } catch {
                let lines = error.problems.map(\.description)
                #expect(lines.contains(#"serve.yaml:2:11: error: matcher, character 10: expected one of = != =~ !~; write matchers as Alertmanager does, e.g. alertname="NodeDown" or severity=~"critical|page""#),
                        "\(lines)")
                #expect(lines.contains("serve.yaml:3:3: error: unknown key 'runbok' in an alert rule; did you mean 'runbook'?"), "\(lines)")
                #expect(lines.contains { $0.hasPrefix("serve.yaml:1:3: error: an alert rule needs 'runbook'") }, "\(lines)")
                #expect(lines.contains { $0.hasPrefix("serve.yaml:5:18: error: params: parameter 'node'") }, "\(lines)")
                #expect(lines.contains("serve.yaml:6:13: error: approval must be auto or required, got 'sometimes'"), "\(lines)")
                #expect(lines.contains { $0.hasPrefix("serve.yaml:7:16: error: once_within:") }, "\(lines)")
                #expect(lines.contains("serve.yaml:8:40: error: unknown key 'rnu' in escalate; did you mean 'run'?"), "\(lines)")
                #expect(lines.contains { $0.hasPrefix("serve.yaml:9:3: error: duplicate rule id 'node-down'") } == false,
                        "the first rule did not load, so the second is not its duplicate")
            }
        }

        @Test func anEmptySectionHasNoRules() throws {
            #expect(try AlertRule.parse("", file: "serve.yaml").isEmpty)
            #expect(throws: AlertRulesError.self) { try AlertRule.parse("node-down: {}", file: "serve.yaml") }
        }
    }
}
