import Yams

/// `probes:`, `guards:` and `watch:`, and probes written inline.
extension RunbookLoader {
    static let probeKeys = ["on", "run", "parse", "pattern", "timeout", "doc"]
    static let guardKeys = ["probe", "expect", "message"]
    static let watchKeys = ["every", "probe", "abort_if", "message"]

    mutating func readProbes(_ node: Node) {
        if YAMLNodeInspection.isNull(node) { return }
        guard case .mapping = node else {
            report("probes must be a mapping of names to read-only commands, got \(YAMLNodeInspection.describe(node))", at: node,
                   hint: "e.g. probes: {health: {on: admin, run: \"...\", parse: json}}")
            return
        }
        for entry in entries(of: node, context: "in probes") {
            guard let name = identifier(entry.key, kind: "probe name") else { continue }
            if let probe = readProbeBody(entry.value, name: scopePrefix + name, context: "in probe '\(name)'") {
                probes.append(probe)
            }
        }
    }

    /// `{on: admin, run: "...", parse: json}`; `name` is "" for an inline probe.
    mutating func readProbeBody(_ node: Node, name: String, context: String) -> ProbeSpec? {
        guard case .mapping = node else {
            report("a probe must be a mapping with 'on' and 'run', got \(YAMLNodeInspection.describe(node))", at: node)
            return nil
        }
        let keys = knownEntries(of: node, allowed: RunbookLoader.probeKeys, context: context) { key in
            ["check", "command", "cmd"].contains(key) ? "a probe's command goes under 'run' (probes never change anything)" : nil
        }
        guard let onEntry = keys["on"], let runEntry = keys["run"] else {
            report("a probe needs 'on' (a target) and 'run' (a read-only command)", at: node)
            return nil
        }
        guard let target = text(onEntry.value, key: "on"), let command = template(runEntry.value, key: "run") else { return nil }
        let parser = keys["parse"].flatMap { self.parser($0.value, pattern: keys["pattern"]?.value) }
        if keys["parse"] == nil, let pattern = keys["pattern"] {
            report("pattern needs 'parse: regex'", at: pattern.key)
        }
        let timeout = keys["timeout"].flatMap { duration($0.value, key: "timeout") }
        return ProbeSpec(name: name, location: location(of: node), scope: scope, target: scopePrefix + target,
                         targetLocation: location(of: onEntry.value),
                         command: command, parser: parser, timeout: timeout ?? stepDefaults.timeout)
    }

    /// `probe: health` or an inline probe.
    mutating func probeReference(_ node: Node, context: String) -> ProbeReference? {
        if case .scalar = node, !YAMLNodeInspection.isNull(node) {
            guard let name = identifier(node, kind: "probe name") else { return nil }
            return .named(scopePrefix + name)
        }
        return readProbeBody(node, name: "", context: context).map(ProbeReference.inline)
    }

    mutating func readGuards(_ node: Node) {
        if YAMLNodeInspection.isNull(node) { return }
        guard case let .sequence(items) = node else {
            report("guards must be a list of {probe, expect}, got \(YAMLNodeInspection.describe(node))", at: node)
            return
        }
        for item in items {
            guard case .mapping = item else {
                report("each guard must be a mapping with 'probe' and 'expect', got \(YAMLNodeInspection.describe(item))", at: item)
                continue
            }
            let keys = knownEntries(of: item, allowed: RunbookLoader.guardKeys, context: "in a guard")
            guard let probeEntry = keys["probe"], let expectEntry = keys["expect"] else {
                report("a guard needs 'probe' (what to look at) and 'expect' (what must hold)", at: item)
                continue
            }
            let probe = probeReference(probeEntry.value, context: "in a guard's probe")
            let expect = expression(expectEntry.value, key: "expect")
            let message = keys["message"].flatMap { text($0.value, key: "message") }
            guard let probe, let expect else { continue }
            guards.append(GuardSpec(location: location(of: item), scope: scope, probe: probe, probeLocation: location(of: probeEntry.value),
                                    expect: expect, message: message))
        }
    }

    /// One watch, or a list of them.
    mutating func readWatches(_ node: Node) {
        if YAMLNodeInspection.isNull(node) { return }
        let items: [Node]
        switch node {
        case .mapping: items = [node]
        case let .sequence(sequence): items = Array(sequence)
        default:
            report("watch must be a mapping {every, probe, abort_if} or a list of them, got \(YAMLNodeInspection.describe(node))", at: node)
            return
        }
        for item in items {
            guard case .mapping = item else {
                report("each watch must be a mapping with 'every', 'probe' and 'abort_if', got \(YAMLNodeInspection.describe(item))", at: item)
                continue
            }
            let keys = knownEntries(of: item, allowed: RunbookLoader.watchKeys, context: "in watch")
            guard let everyEntry = keys["every"], let probeEntry = keys["probe"], let abortEntry = keys["abort_if"] else {
                report("a watch needs 'every' (how often), 'probe' (what to look at) and 'abort_if' (when to stop the run)", at: item)
                continue
            }
            let every = duration(everyEntry.value, key: "every")
            let probe = probeReference(probeEntry.value, context: "in a watch's probe")
            let abortIf = expression(abortEntry.value, key: "abort_if")
            let message = keys["message"].flatMap { text($0.value, key: "message") }
            guard let every, let probe, let abortIf else { continue }
            watches.append(WatchSpec(location: location(of: item), scope: scope, probe: probe, probeLocation: location(of: probeEntry.value),
                                     every: every, abortIf: abortIf, message: message))
        }
    }
}
