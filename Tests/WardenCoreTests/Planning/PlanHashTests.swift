import Foundation
import Testing
@testable import WardenCore
import WardenTesting

/// The plan hash is what an approval binds: the same runbook, parameters, hosts and commands give
/// the same hash every time, and any change an approver would care about gives another.
@Suite("Plan hash")
struct PlanHashTests {
    static let runbook = """
        name: hashed
        params:
          tag: {type: string, default: v1}
        targets:
          fleet: {hosts: "*"}
        steps:
          - id: mark
            on: fleet
            run: "mark {{ params.tag }} {{ host.name }}"
            unguarded: the test has no cluster
        """

    private func hash(_ yaml: String = runbook, hosts: [String] = ["h1", "h2"], params: [(String, String)] = []) async throws -> String {
        let scene = try await EngineScene.make(yaml, hosts: ["fleet": hosts], params: params)
        defer { scene.remove() }
        let plan = await Planner.plan(context: scene.context, transport: scene.transport, concurrency: 4, secretKey: nil)
        #expect(plan.hash.hasPrefix("sha256:"), "\(plan.hash)")
        return plan.hash
    }

    @Test func theSamePlanHasTheSameHashAndEveryChangeAnotherOne() async throws {
        let base = try await hash()
        #expect(try await hash() == base, "planned again, nothing changed")
        let changed = [
            try await hash(params: [("tag", "v2")]),
            try await hash(hosts: ["h1", "h2", "h3"]),
            try await hash(Self.runbook.replacingOccurrences(of: "mark {{ params.tag }}", with: "mark --force {{ params.tag }}")),
        ]
        #expect(!changed.contains(base), "a parameter, a host and a command each change the hash: \(base) \(changed)")
        #expect(Set(changed).count == 3, "\(changed)")
    }
}
