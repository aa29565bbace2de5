import Foundation
import Testing
@testable import WardenCore

/// Durations a runbook reads from parameters: checked where they are read,
/// filled in when the parameters are bound.
@Suite("Durations from parameters")
struct DurationParameterTests {
    static let yaml = """
        name: paced
        params:
          poll: {type: duration, default: 2s}
          revert: {type: duration, default: 10m}
        targets:
          one: {hosts: h01, exactly: 1}
        probes:
          p: {on: one, run: "echo ok"}
        watch: {every: "{{ params.poll }}", probe: p, abort_if: "exit != 0"}
        steps:
          - id: change
            on: one
            run: "echo x"
            undo: "echo y"
            timeout: "{{ params.revert }}"
            deadman: "{{ params.revert }}"
          - id: settle
            wait: {probe: p, until: "exit == 0", every: "{{ params.poll }}", timeout: "{{ params.revert }}"}
          - id: gate
            approve: {timeout: "{{ params.revert }}"}
        finally:
          - id: nap
            pause: "{{ params.poll }}"
        """

    @Test func theBoundValuesAreFilledIn() throws {
        let runbook = try RunbookFixtures.load(Self.yaml)
        #expect(runbook.durationParameters.count == 7)
        let binding = try ParameterBinding.bind(runbook, given: [("poll", "3s"), ("revert", "45m")])
        let resolved = try runbook.resolvingDurations(binding)
        #expect(resolved.watches[0].every == .seconds(3))
        #expect(resolved.steps[0].timeout == .seconds(45 * 60))
        #expect(resolved.steps[0].deadman?.after == .seconds(45 * 60))
        guard case let .wait(wait) = resolved.steps[1].kind, case let .approve(approval) = resolved.steps[2].kind,
              case let .pause(pause) = resolved.finally[0].kind else {
            Issue.record("step kinds changed")
            return
        }
        #expect(wait.every == .seconds(3))
        #expect(wait.timeout == .duration(.seconds(45 * 60)))
        #expect(approval.timeout == .seconds(45 * 60))
        #expect(pause.duration == .seconds(3))
        // The defaults serve when nothing is given.
        let defaults = try runbook.resolvingDurations(try ParameterBinding.bind(runbook, given: []))
        #expect(defaults.watches[0].every == .seconds(2))
    }

    @Test func aDurationThatCannotReadAParameterSaysWhere() {
        let result = Runbook.parse(yaml: """
            name: d
            params:
              poll: {type: duration, default: 2s}
              label: {type: string, default: x}
            defaults: {timeout: "{{ params.poll }}"}
            steps:
              - {id: a, pause: "{{ params.label }}"}
              - {id: b, pause: "{{ params.nothing }}"}
              - {id: c, pause: "{{ params.poll * 2 }}"}
            """, file: "d.yaml")
        let messages = result.diagnostics.map(\.description)
        #expect(messages.contains("d.yaml:5:21: error: timeout cannot read a parameter here; write a duration like '30s'"), "\(messages)")
        #expect(messages.contains("d.yaml:7:20: error: pause reads params.label, a string; it must be a duration parameter"), "\(messages)")
        #expect(messages.contains { $0.hasPrefix("d.yaml:8:20: error: pause reads params.nothing, which is not declared") }, "\(messages)")
        // Only a lone parameter is read; an expression is not a duration.
        #expect(messages.contains { $0.hasPrefix("d.yaml:9:") }, "\(messages)")
    }
}
