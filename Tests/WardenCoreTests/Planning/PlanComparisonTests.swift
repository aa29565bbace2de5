import Testing
@testable import WardenCore

/// What an approver is told differs between the plan they approve and the last one.
@Suite("Plan comparison")
struct PlanComparisonTests {
    private func plan(level: String = "lively", hosts: [String] = ["meta1"], poll: String = "5s", token: String? = "hmac-sha256:a",
                      hash: String = "sha256:1") -> Plan {
        var plan = Plan(runbook: "rebalance", file: "/r.yaml", offline: false)
        plan.hash = hash
        plan.parameters = [PlanParameter(name: "poll", value: poll, secret: false, digest: nil)]
            + (token.map { [PlanParameter(name: "token", value: "<secret>", secret: true, digest: $0)] } ?? [])
        plan.targets = [PlanTarget(name: "meta", hosts: hosts)]
        plan.steps = [PlannedStep(number: 1, id: "lively", kind: "run", mutating: true, target: "meta", location: "r.yaml:9:5", status: .willRun,
                                  summary: "set lively", hosts: hosts.map { PlannedHost(host: $0, status: .willRun, command: "set_meta_level \(level)") })]
        return plan
    }

    @Test func theSamePlanHasNoChanges() {
        let comparison = PlanComparison(from: plan(), to: plan())
        #expect(comparison.sameHash && comparison.changes.isEmpty)
    }

    @Test func eachDifferenceIsNamedWithBothSides() {
        let comparison = PlanComparison(from: plan(), to: plan(level: "steady", hosts: ["meta1", "meta2"], poll: "10s", hash: "sha256:2"))
        #expect(!comparison.sameHash)
        #expect(comparison.changes == [
            .init(subject: "parameter poll", before: "5s", after: "10s"),
            .init(subject: "hosts of meta", before: "meta1", after: "meta1, meta2"),
            .init(subject: "step lively on meta1", before: "will-run: set_meta_level lively", after: "will-run: set_meta_level steady"),
            .init(subject: "step lively on meta2", before: nil, after: "will-run: set_meta_level steady"),
        ])
    }

    @Test func aSecretIsSaidToHaveChangedWithoutShowingIt() {
        let comparison = PlanComparison(from: plan(token: "hmac-sha256:a"), to: plan(token: "hmac-sha256:b", hash: "sha256:2"))
        #expect(comparison.changes == [.init(subject: "parameter token", before: "<secret>", after: "<secret, changed>")])
        #expect(PlanComparison(from: plan(), to: plan(token: nil)).changes == [.init(subject: "parameter token", before: "<secret>", after: nil)])
    }
}
