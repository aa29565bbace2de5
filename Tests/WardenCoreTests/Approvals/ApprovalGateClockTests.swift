import Foundation
import Testing
@testable import WardenCore
import WardenTesting

/// An `approve:` gate on the test clock, fast: a quorum above one counts distinct people and not
/// the initiator, a denial stops the run at once, and a gate nobody completes in time blocks the
/// run saying so — each decided by the clock the run keeps, not by real time passing.
@Suite("Approval gates on the test clock")
struct ApprovalGateClockTests {
    static let runbook = """
        name: gated
        targets:
          admin: {hosts: a1, exactly: 1}
        steps:
          - id: go
            approve: {quorum: 2, timeout: 30m, message: two people look first}
          - id: change
            on: admin
            run: change
            unguarded: the test has no cluster
        """

    /// The gate of a journaled run started by `alice`, and the journal its decisions go into.
    private func gate(_ scene: EngineScene) throws -> (ApprovalGate, Step, ApprovalSpec) {
        let step = try RunbookFixtures.step("go", in: scene.context.runbook)
        guard case let .approve(spec) = step.kind else { throw FixtureError(message: "go is not a gate") }
        let gate = ApprovalGate(journal: scene.journal, runID: scene.runID, runbook: "gated", planHash: "sha256:test", initiator: "alice",
                                allowSelfApproval: false, policy: ApprovalPolicy(), delegate: SilentRunDelegate(), clock: scene.clock)
        return (gate, step, spec)
    }

    private func decide(_ scene: EngineScene, _ who: String, _ decision: Approval.Decision, hash: String = "sha256:test") async throws {
        try await scene.journal.record(Approval(runID: scene.runID, step: "go", approver: who, decision: decision, comment: nil, planHash: hash,
                                                at: scene.clock.now))
    }

    @Test func aQuorumOfTwoCountsTwoOtherPeopleNotTheInitiatorNorAnotherPlan() async throws {
        let scene = try await EngineScene.make(Self.runbook, hosts: ["admin": ["a1"]])
        defer { scene.remove() }
        let (gate, step, spec) = try gate(scene)
        let waiting = Task { await gate.decide(step, spec) }
        try await scene.clock.waitUntilAsleep(1)
        try await decide(scene, "alice", .approve)
        try await decide(scene, "bob", .approve)
        try await decide(scene, "carol", .approve, hash: "sha256:another-plan")
        scene.clock.advance(by: .seconds(60))
        try await scene.clock.waitUntilAsleep(1)
        try await decide(scene, "dave", .approve)
        scene.clock.advance(by: .seconds(60))
        let decision = await waiting.value
        guard case .approved = decision else {
            Issue.record("bob and dave approve this plan: \(decision)")
            return
        }
    }

    @Test func aGateNobodyCompletesInTimeBlocksTheRunSayingSo() async throws {
        let scene = try await EngineScene.make(Self.runbook, hosts: ["admin": ["a1"]])
        defer { scene.remove() }
        let (gate, step, spec) = try gate(scene)
        let waiting = Task { await gate.decide(step, spec) }
        try await scene.clock.waitUntilAsleep(1)
        try await decide(scene, "bob", .approve)
        scene.clock.advance(by: .seconds(29 * 60))
        try await scene.clock.waitUntilAsleep(1)
        scene.clock.advance(by: .seconds(2 * 60))
        let decision = await waiting.value
        guard case let .blocked(reason) = decision else {
            Issue.record("one approval of two in 30m: \(decision)")
            return
        }
        #expect(reason == "no quorum of 2 approvals within 30m", "\(reason)")
    }

    @Test func aDenialStopsTheGateAtOnceNamingWhoAndWhy() async throws {
        let scene = try await EngineScene.make(Self.runbook, hosts: ["admin": ["a1"]])
        defer { scene.remove() }
        let (gate, step, spec) = try gate(scene)
        let waiting = Task { await gate.decide(step, spec) }
        try await scene.clock.waitUntilAsleep(1)
        try await scene.journal.record(Approval(runID: scene.runID, step: "go", approver: "bob", decision: .deny, comment: "not during the sale",
                                                planHash: "sha256:test", at: scene.clock.now))
        scene.clock.advance(by: .seconds(1))
        let decision = await waiting.value
        guard case let .blocked(reason) = decision else {
            Issue.record("denied: \(decision)")
            return
        }
        #expect(reason == "denied by bob: not during the sale", "\(reason)")
    }
}
