import Yams

/// `probes:`, `guards:` and `watch:`, and probes written inline.
extension RunbookLoader {
    static let probeKeys = ["on", "run", "parse", "pattern", "timeout", "doc"]
    static let guardKeys = ["probe", "expect", "message"]
    static let watchKeys = ["every", "probe", "abort_if", "for", "decreased", "message"]

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

    /// `probe: health`, a used rules file's probe (`probe: health.status`,
    /// the file used as `health`), or an inline probe.
    mutating func probeReference(_ node: Node, context: String) -> ProbeReference? {
        if case let .scalar(scalar) = node, !YAMLNodeInspection.isNull(node) {
            let parts = scalar.string.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            if parts.count == 2, parts.allSatisfy({ RunbookLoader.identifierProblem($0, kind: "probe name") == nil }) {
                return .named(scopePrefix + scalar.string)
            }
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
    /// `decreased: {value: EXPR, times: K, within: DURATION}`.
    private mutating func readDecrease(_ node: Node) -> DecreaseRule? {
        guard case .mapping = node else {
            report("decreased must be a mapping with 'value', 'times' and 'within', got \(YAMLNodeInspection.describe(node))", at: node,
                   hint: "e.g. decreased: {value: result.fault_tolerance.data, times: 2, within: 10m}")
            return nil
        }
        let keys = knownEntries(of: node, allowed: ["value", "times", "within"], context: "in decreased")
        guard let valueEntry = keys["value"], let timesEntry = keys["times"], let withinEntry = keys["within"] else {
            report("decreased needs 'value' (a number read from each sample), 'times' and 'within' (a duration)", at: node)
            return nil
        }
        let value = expression(valueEntry.value, key: "decreased.value")
        let times = integer(timesEntry.value, key: "times", in: 1...1000)
        let within = duration(withinEntry.value, key: "within")
        guard let value, let times, let within else { return nil }
        return DecreaseRule(value: value, times: times, within: within)
    }

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
            pendingDurations = []
            defer { pendingDurations = nil }
            guard case .mapping = item else {
                report("each watch must be a mapping with 'every', 'probe' and 'abort_if', got \(YAMLNodeInspection.describe(item))", at: item)
                continue
            }
            let keys = knownEntries(of: item, allowed: RunbookLoader.watchKeys, context: "in watch")
            guard let everyEntry = keys["every"], let probeEntry = keys["probe"], keys["abort_if"] != nil || keys["decreased"] != nil else {
                report("a watch needs 'every' (how often), 'probe' (what to look at) and 'abort_if' or 'decreased' (when to stop the run)", at: item)
                continue
            }
            let every = duration(everyEntry.value, key: "every")
            let probe = probeReference(probeEntry.value, context: "in a watch's probe")
            let abortIf = keys["abort_if"].flatMap { expression($0.value, key: "abort_if") }
            let message = keys["message"].flatMap { text($0.value, key: "message") }
            var samples = SampleRule.each
            if let entry = keys["for"] {
                if keys["abort_if"] == nil {
                    report("'for' counts samples where abort_if holds; this watch has no abort_if", at: entry.key)
                } else if let text = text(entry.value, key: "for") {
                    if let rule = SampleRule.parse(text) {
                        samples = rule
                    } else {
                        report("for must be \"N of M\" (N breaching samples among the last M) or \"N consecutive\", got '\(text)'", at: entry.value,
                               hint: "e.g. for: \"3 of 5\"")
                    }
                }
            }
            let decreased = keys["decreased"].flatMap { readDecrease($0.value) }
            if keys["decreased"] != nil, decreased == nil { continue }
            // A bad abort_if was reported where it is; the watch is dropped rather than kept without it.
            if keys["abort_if"] != nil, abortIf == nil { continue }
            guard let every, let probe else { continue }
            var watch = WatchSpec(location: location(of: item), scope: scope, probe: probe, probeLocation: location(of: probeEntry.value),
                                  every: every, abortIf: abortIf, message: message)
            watch.samples = samples
            watch.decreased = decreased
            watches.append(watch)
            for pending in pendingDurations ?? [] {
                durationParameters.append(DurationParameter(field: .watchEvery, step: nil, watch: watches.count - 1,
                                                            parameter: pending.parameter, scope: scope, location: pending.location))
            }
        }
    }
}
