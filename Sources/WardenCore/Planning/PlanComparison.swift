/// What differs between two plans of the same runbook, as an approver asks
/// before approving: "what is different from last time?". Parameters, the
/// hosts of each target, the steps, and per step and host what will run
/// (the exact command) and whether it will. The hash tells *that* two plans
/// differ; this tells *where*.
public struct PlanComparison: Sendable, Equatable {
    /// One difference: what it concerns (`parameter poll`, `step lively on db1`), and the two sides as text.
    public struct Change: Sendable, Equatable {
        public let subject: String
        public let before: String?
        public let after: String?
    }

    public let changes: [Change]

    /// Whether the two plans hash alike (then `changes` is empty too, unless the hash covers what this does not compare).
    public let sameHash: Bool

    public init(from before: Plan, to after: Plan) {
        sameHash = before.hash == after.hash
        var changes: [Change] = []
        func note(_ subject: String, _ old: String?, _ new: String?) {
            if old != new { changes.append(Change(subject: subject, before: old, after: new)) }
        }

        let oldParameters = Dictionary(before.parameters.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let newParameters = Dictionary(after.parameters.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for name in Self.union(before.parameters.map(\.name), after.parameters.map(\.name)) {
            let old = oldParameters[name], new = newParameters[name]
            // A secret is compared by its keyed digest, never shown: both sides say only whether it changed.
            if old?.secret == true || new?.secret == true {
                if old?.digest != new?.digest || (old == nil) != (new == nil) {
                    changes.append(Change(subject: "parameter \(name)", before: old.map { _ in "<secret>" }, after: new.map { _ in "<secret, changed>" }))
                }
            } else {
                note("parameter \(name)", old?.value, new?.value)
            }
        }
        note("limit", before.limit, after.limit)

        let oldTargets = Dictionary(before.targets.map { ($0.name, $0.hosts) }, uniquingKeysWith: { first, _ in first })
        let newTargets = Dictionary(after.targets.map { ($0.name, $0.hosts) }, uniquingKeysWith: { first, _ in first })
        for name in Self.union(before.targets.map(\.name), after.targets.map(\.name)) {
            note("hosts of \(name)", oldTargets[name]?.joined(separator: ", "), newTargets[name]?.joined(separator: ", "))
        }

        let oldSteps = Dictionary((before.steps + before.cleanup).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let newSteps = Dictionary((after.steps + after.cleanup).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for id in Self.union((before.steps + before.cleanup).map(\.id), (after.steps + after.cleanup).map(\.id)) {
            guard let old = oldSteps[id], let new = newSteps[id] else {
                note("step \(id)", oldSteps[id].map { "\($0.kind): \($0.summary)" }, newSteps[id].map { "\($0.kind): \($0.summary)" })
                continue
            }
            note("step \(id)", old.kind, new.kind)
            let oldHosts = Dictionary(old.hosts.map { ($0.host, $0) }, uniquingKeysWith: { first, _ in first })
            let newHosts = Dictionary(new.hosts.map { ($0.host, $0) }, uniquingKeysWith: { first, _ in first })
            for host in Self.union(old.hosts.map(\.host), new.hosts.map(\.host)) {
                let was = oldHosts[host], will = newHosts[host]
                note("step \(id) on \(host)", was.map(Self.describe), will.map(Self.describe))
            }
        }
        self.changes = changes
    }

    private static func describe(_ host: PlannedHost) -> String {
        host.status.rawValue + (host.command.map { ": " + $0 } ?? "")
    }

    /// The names of both lists, in the order they first appear (the old plan's first).
    private static func union(_ first: [String], _ second: [String]) -> [String] {
        var seen = Set<String>()
        return (first + second).filter { seen.insert($0).inserted }
    }
}
