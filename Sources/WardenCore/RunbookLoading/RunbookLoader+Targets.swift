import Foundation
import Yams

/// `targets:`, `lock:` and `window:`.
extension RunbookLoader {
    static let targetKeys = ["hosts", "exactly", "at_least", "at_most", "doc"]

    mutating func readTargets(_ node: Node) {
        if YAMLNodeInspection.isNull(node) { return }
        guard case .mapping = node else {
            report("targets must be a mapping of names to host patterns, got \(YAMLNodeInspection.describe(node))", at: node,
                   hint: "e.g. targets: {admin: {hosts: pegasus-admin, exactly: 1}}")
            return
        }
        for entry in entries(of: node, context: "in targets") {
            guard let name = identifier(entry.key, kind: "target name") else { continue }
            // `admin: pegasus-admin` is short for `admin: {hosts: pegasus-admin}`.
            if case .scalar = entry.value {
                guard let pattern = template(entry.value, key: "hosts") else { continue }
                targets.append(TargetSpec(name: scopePrefix + name, location: location(of: entry.key), pattern: pattern,
                                          exactly: nil, atLeast: nil, atMost: nil, scope: scope))
                continue
            }
            guard case .mapping = entry.value else {
                report("target '\(name)' must be a host pattern or a mapping with 'hosts', got \(YAMLNodeInspection.describe(entry.value))", at: entry.value)
                continue
            }
            let keys = knownEntries(of: entry.value, allowed: RunbookLoader.targetKeys, context: "in target '\(name)'")
            guard let hostsEntry = keys["hosts"] else {
                report("target '\(name)' needs 'hosts', an inventory pattern", at: entry.key)
                continue
            }
            guard let pattern = template(hostsEntry.value, key: "hosts") else { continue }
            let exactly = keys["exactly"].flatMap { integer($0.value, key: "exactly", in: 1...Int.max) }
            let atLeast = keys["at_least"].flatMap { integer($0.value, key: "at_least", in: 1...Int.max) }
            let atMost = keys["at_most"].flatMap { integer($0.value, key: "at_most", in: 1...Int.max) }
            if exactly != nil, atLeast != nil || atMost != nil, let entry = keys["exactly"] {
                report("exactly cannot be combined with at_least or at_most", at: entry.key)
            }
            if let atLeast, let atMost, atLeast > atMost, let entry = keys["at_least"] {
                report("at_least (\(atLeast)) is more than at_most (\(atMost)): no host count fits", at: entry.key)
            }
            targets.append(TargetSpec(name: scopePrefix + name, location: location(of: entry.key), pattern: pattern,
                                      exactly: exactly, atLeast: atLeast, atMost: atMost, scope: scope))
        }
    }

    /// `lock: NAME`, or `lock: {name: NAME, on: TARGET, lease: 2m}` to hold it
    /// on a host as well.
    mutating func readLock(_ node: Node) -> LockSpec? {
        if case .scalar = node {
            return template(node, key: "lock").map { LockSpec(name: $0) }
        }
        guard case .mapping = node else {
            report("lock must be a name or a mapping with 'name', got \(YAMLNodeInspection.describe(node))", at: node,
                   hint: "e.g. lock: pegasus-{{ params.cluster }}, or lock: {name: pegasus-c1, on: admin, lease: 2m}")
            return nil
        }
        let keys = knownEntries(of: node, allowed: ["name", "on", "lease"], context: "in lock")
        guard let nameEntry = keys["name"] else {
            report("lock needs 'name'", at: node)
            return nil
        }
        guard let name = template(nameEntry.value, key: "name") else { return nil }
        let target = keys["on"].flatMap { text($0.value, key: "on") }
        var lease = RunLock.defaultLease
        if let entry = keys["lease"], let value = duration(entry.value, key: "lease") {
            if value < .seconds(3) {
                report("lease must be at least 3s: a controller renews it every third of it", at: entry.value)
            } else {
                lease = value
            }
        }
        return LockSpec(name: name, target: target, targetLocation: keys["on"].map { location(of: $0.value) }, lease: lease)
    }

    /// `window: {between, timezone, cleanup_reserve}`; literal parts are checked now.
    mutating func readWindow(_ node: Node) -> WindowSpec? {
        guard case .mapping = node else {
            report("window must be a mapping with 'between' and 'timezone', got \(YAMLNodeInspection.describe(node))", at: node,
                   hint: "e.g. window: {between: \"02:00-05:00\", timezone: Asia/Shanghai}")
            return nil
        }
        let keys = knownEntries(of: node, allowed: ["between", "timezone", "cleanup_reserve"], context: "in window")
        guard let betweenEntry = keys["between"], let timezoneEntry = keys["timezone"] else {
            report("window needs both 'between' (\"HH:MM-HH:MM\") and 'timezone' (an IANA name such as UTC or Asia/Shanghai)", at: node)
            return nil
        }
        let between = template(betweenEntry.value, key: "between")
        let timezone = template(timezoneEntry.value, key: "timezone")
        let reserve = keys["cleanup_reserve"].flatMap { duration($0.value, key: "cleanup_reserve") }
        guard let between, let timezone else { return nil }
        let spec = WindowSpec(between: between, betweenLocation: location(of: betweenEntry.value), timezone: timezone,
                              timezoneLocation: location(of: timezoneEntry.value), cleanupReserve: reserve,
                              cleanupReserveLocation: keys["cleanup_reserve"].map { location(of: $0.value) }, location: location(of: node))
        // The literal parts are checked now, parts from parameters when those are bound: a
        // stand-in replaces what is not known yet (and the reserve waits for a known length).
        let check = WindowSpec(between: between, betweenLocation: spec.betweenLocation, timezone: timezone,
                               timezoneLocation: spec.timezoneLocation, cleanupReserve: between.isLiteral ? reserve : nil,
                               cleanupReserveLocation: spec.cleanupReserveLocation, location: spec.location)
        do throws(LocatedError) {
            _ = try WindowSpec.window(between: between.isLiteral ? between.text : "00:00-01:00",
                                      timezone: timezone.isLiteral ? timezone.text : "UTC", spec: check)
        } catch {
            report(error)
            return nil
        }
        return spec
    }

    /// The prefix names of the scope being read get.
    var scopePrefix: String { scopes.indices.contains(scope) ? scopes[scope].prefix : "" }
}
