import Foundation

/// What every part of the engine (the planner now, the executor later)
/// needs to evaluate a runbook's expressions and render its commands: the
/// runbook, the bound parameters, the resolved targets, the redactor and
/// the clock.
public struct EngineContext: Sendable {
    public let runbook: Runbook
    public let parameters: ParameterBinding
    public let targets: [String: [InventoryHost]]
    let redactor: Redactor
    /// The one clock of the run: `now()` in expressions, the window, watches,
    /// waits, retries, pauses, timeouts, leases and deadman times.
    public let clock: any EngineClock
    /// `--limit PATTERN` when the targets were narrowed by it (`TargetResolution`):
    /// recorded in the plan and its hash, and used again by a resume.
    public var limit: String?
    /// The inventory file the targets were resolved in (journaled with the run, so a daemon
    /// adopting the run after a restart knows where its hosts are).
    public var inventory: String?
    /// The maintenance window, with any parameters it reads filled in.
    public private(set) var window: MaintenanceWindow?

    /// Replaces the runbook's window: a scheduled occurrence's own (`WindowChoice`).
    mutating func choose(_ choice: WindowChoice, cleanupReserve: Duration?) {
        switch choice {
        case .runbook: break
        case .none: window = nil
        case let .occurrence(interval, zone, name):
            window = .occurrence(interval, timeZone: zone, timeZoneName: name, cleanupReserve: cleanupReserve ?? runbook.window?.cleanupReserve,
                                 location: runbook.window?.location ?? SourceLocation(file: runbook.file, line: 1, column: 1))
        }
    }

    /// Fills in what the runbook reads from parameters beyond its commands
    /// (durations, the window); throws when a value does not fit.
    public init(runbook: Runbook, parameters: ParameterBinding, targets: [String: [InventoryHost]],
                clock: any EngineClock = SystemClock()) throws(LocatedError) {
        // Every value a command will need is there before anything reaches a host.
        let unbound = UnboundParameters.reads(in: runbook, values: parameters.values)
        if let first = unbound.first {
            let others = unbound.dropFirst().map { "; \($0.location): \($0.message)" }.joined()
            throw LocatedError(first.message + others, at: first.location, hint: first.hint)
        }
        // Groups unrolled here, once, so that everything downstream walks the same steps.
        let expanded = GroupExpansion.expand(try runbook.resolvingDurations(parameters), targets: targets, parameters: parameters)
        self.runbook = expanded.runbook
        self.parameters = expanded.parameters
        self.targets = expanded.targets
        self.redactor = Redactor(secrets: parameters.secrets)
        self.clock = clock
        // Filled in last: the parameters' environment needs the rest.
        window = try runbook.window.map { spec throws(LocatedError) in try spec.resolve(in: environment(scope: 0, host: nil)) }
    }

    /// The wall-clock time, as expressions and the window read it.
    public var now: @Sendable () -> Date {
        let clock = self.clock
        return { clock.now }
    }

    public func hosts(of target: String?) -> [InventoryHost] {
        target.flatMap { targets[$0] } ?? []
    }

    /// The names an expression of `scope` sees: its parameters, the host
    /// (when per host), the step and probe records of its own scope (under
    /// their local names), and a command's output (in output tests).
    public func environment(
        scope: Int, host: InventoryHost?, output: HostRecord? = nil,
        steps: [String: RecordSet] = [:], probes: [String: RecordSet] = [:]
    ) -> ExpressionEnvironment {
        var variables: [String: Value] = ["params": .map(parameters.values[scope] ?? [:])]
        if let host { variables["host"] = EngineContext.value(of: host) }
        if runbook.scopes.indices.contains(scope), let each = runbook.scopes[scope].each { variables["each"] = each.value }
        let prefix = runbook.scopes.indices.contains(scope) ? runbook.scopes[scope].prefix : ""
        variables["steps"] = .map(EngineContext.localView(steps, prefix: prefix))
        variables["probes"] = .map(EngineContext.localView(probes, prefix: prefix))
        if let output {
            variables.merge(output.bindings) { _, new in new }
        }
        return ExpressionEnvironment(variables: variables, now: now)
    }

    /// `host` as expressions see it.
    public static func value(of host: InventoryHost) -> Value {
        .map([
            "name": .string(host.name), "address": .string(host.address), "port": .int(host.port),
            "user": .string(host.user), "groups": .list(host.groups.map(Value.string)), "vars": .map(host.vars),
        ])
    }

    private static func localView(_ records: [String: RecordSet], prefix: String) -> [String: Value] {
        var view: [String: Value] = [:]
        for (id, record) in records where id.hasPrefix(prefix) {
            let local = id.dropFirst(prefix.count)
            guard !local.contains(".") else { continue }
            view[String(local)] = record.value
        }
        return view
    }

    /// Step ids (full) an expression of `scope` reads through `steps.<id>`.
    func stepsRead(by expression: Expression, scope: Int) -> [String] {
        read(root: "steps", by: expression, scope: scope)
    }

    /// Probe names (full) an expression of `scope` reads through `probes.<name>`.
    func probesRead(by expression: Expression, scope: Int) -> [String] {
        read(root: "probes", by: expression, scope: scope)
    }

    /// Probe names (full) an expression of `scope` reads as `probes.<name>.before`:
    /// the sample taken before the run's first change.
    func probesReadBefore(by expression: Expression, scope: Int) -> [String] {
        let prefix = runbook.scopes.indices.contains(scope) ? runbook.scopes[scope].prefix : ""
        var names: [String] = []
        for name in expression.probesReadBefore where !names.contains(prefix + name) { names.append(prefix + name) }
        return names
    }

    /// Probe names (full) an expression of `scope` reads as they are now, that
    /// is other than through `.before` alone: these are taken again.
    func probesReadNow(by expression: Expression, scope: Int) -> [String] {
        let prefix = runbook.scopes.indices.contains(scope) ? runbook.scopes[scope].prefix : ""
        let before = expression.probesReadBefore
        var names: [String] = []
        for reference in expression.references where reference.root == "probes" {
            guard let member = reference.member, !names.contains(prefix + member) else { continue }
            let all = expression.references.filter { $0.root == "probes" && $0.member == member }.count
            if all > before.filter({ $0 == member }).count { names.append(prefix + member) }
        }
        return names
    }

    private func read(root: String, by expression: Expression, scope: Int) -> [String] {
        let prefix = runbook.scopes.indices.contains(scope) ? runbook.scopes[scope].prefix : ""
        var names: [String] = []
        for reference in expression.references where reference.root == root {
            if let member = reference.member, !names.contains(prefix + member) { names.append(prefix + member) }
        }
        return names
    }
}
