import Foundation

/// What a schedule's `planned` event carries: the plan made ahead of (or at)
/// an occurrence, the terms of each of its approval gates (the runbook's,
/// tightened by the site policy), who asks (the schedule's owner, whom the
/// gates never let approve), and, when it replaces an earlier plan, what
/// changed, so an approver sees why they are asked again.
public struct OccurrencePlan: Sendable, Codable {
    /// One approval gate of the plan and its terms.
    public struct Gate: Sendable, Codable, Equatable {
        public var step: String
        public var terms: ApprovalTerms

        public init(step: String, terms: ApprovalTerms) {
            self.step = step
            self.terms = terms
        }
    }

    public var plan: Plan
    public var gates: [Gate]
    public var owner: String
    /// Against the plan approved before: the hosts and commands that differ (empty for a first plan).
    public var changes: [String]

    public init(plan: Plan, gates: [Gate], owner: String, changes: [String] = []) {
        self.plan = plan
        self.gates = gates
        self.owner = owner
        self.changes = changes
    }

    /// The gates of `plan` that will wait (not skipped by their `when`), with their terms under `policy`.
    public static func gates(of plan: Plan, runbook: Runbook, policy: ApprovalPolicy, owner: String) -> [Gate] {
        var gates: [Gate] = []
        for step in runbook.allSteps {
            guard case let .approve(spec) = step.kind,
                  let planned = (plan.steps + plan.cleanup).first(where: { $0.id == step.id }),
                  planned.status != .skipped, planned.status != .notReached else { continue }
            gates.append(Gate(step: step.id, terms: policy.terms(for: spec, runbook: runbook.name, allowSelfApproval: false)))
        }
        return gates
    }

    /// What differs between an earlier plan and this one, host by host and command by command.
    public static func changes(from old: Plan, to new: Plan) -> [String] {
        var changes: [String] = []
        for (name, value) in zip(old.parameters, new.parameters) where name.value != value.value && name.name == value.name {
            changes.append("parameter \(value.name): \(name.value) -> \(value.value)")
        }
        let oldTargets = Dictionary(old.targets.map { ($0.name, Set($0.hosts)) }, uniquingKeysWith: { first, _ in first })
        for target in new.targets {
            let before = oldTargets[target.name] ?? []
            let now = Set(target.hosts)
            let added = now.subtracting(before).sorted(), removed = before.subtracting(now).sorted()
            if !added.isEmpty { changes.append("target \(target.name): hosts added \(added.joined(separator: ", "))") }
            if !removed.isEmpty { changes.append("target \(target.name): hosts removed \(removed.joined(separator: ", "))") }
        }
        func commands(_ plan: Plan) -> [String: String] {
            var found: [String: String] = [:]
            for step in plan.steps + plan.cleanup {
                for host in step.hosts { found["step \(step.id) on \(host.host)"] = host.command ?? "" }
            }
            return found
        }
        let before = commands(old), after = commands(new)
        for key in Set(before.keys).union(after.keys).sorted() where before[key] != after[key] {
            switch (before[key], after[key]) {
            case let (nil, command?): changes.append("\(key): new, runs \(command)")
            case (_?, nil): changes.append("\(key): no longer planned")
            case let (was?, command?): changes.append("\(key): \(was) -> \(command)")
            case (nil, nil): break
            }
        }
        if changes.isEmpty, old.hash != new.hash { changes.append("the runbook's files or a secret's value changed (the commands shown are the same)") }
        return changes
    }
}
