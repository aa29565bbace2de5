import Foundation
import Testing
@testable import WardenCore

/// The plan says who each command runs as (`become`), also for a step it
/// cannot decide yet: the user is known before the command is.
@Suite("Plans name who runs each command")
struct PlanRunAsTests {
    @Test func aChangeAndAStepWaitingOnItBothSayWhoTheyRunAs() async throws {
        let scene = try ShellScene("""
            name: restart
            params:
              dir: {type: string}
            targets:
              all: {hosts: "*"}
            steps:
              - id: restart
                on: all
                become: pegasus
                run: "echo restarted > {{ params.dir }}/restarted"
                unguarded: a scratch file
              - id: look
                on: all
                become: {method: sudo, user: pegasus}
                check: "cat {{ params.dir }}/{{ steps.restart.hosts[host.name].exit }}"
              - id: plain
                on: all
                check: "true"
            """, targets: ["all": ["h1"]])
        defer { scene.remove() }
        let plan = await scene.plan()
        let hosts = plan.steps.map { ($0.id, $0.hosts.first?.status, $0.hosts.first?.runAs) }
        #expect(hosts.map(\.0) == ["restart", "look", "plain"])
        #expect(hosts[0].1 == .willRun && hosts[0].2 == "pegasus via sudo", "\(hosts)")
        #expect(hosts[1].1 == .unknown && hosts[1].2 == "pegasus via sudo", "\(hosts)")
        #expect(hosts[2].2 == nil, "\(hosts)")
    }
}
