import Yams

/// `monitor:` in a rules file — named rules judged over a probe's samples
/// in time, for `warden monitor check` and the monitors of `warden serve`.
extension RunbookLoader {
    static let monitorKeys = ["name", "doc", "probe", "value", "fires", "for", "minutes", "samples", "decreased", "increased", "severity", "message"]

    mutating func readMonitor(_ node: Node) {
        if YAMLNodeInspection.isNull(node) { return }
        guard case let .sequence(items) = node else {
            report("monitor must be a list of rules {name, probe, fires or decreased/increased}, got \(YAMLNodeInspection.describe(node))", at: node)
            return
        }
        var names: [String: SourceLocation] = [:]
        for item in items {
            guard case .mapping = item else {
                report("each monitor rule must be a mapping with 'name', 'probe' and 'fires' (or 'decreased'/'increased'), got \(YAMLNodeInspection.describe(item))",
                       at: item)
                continue
            }
            let keys = knownEntries(of: item, allowed: RunbookLoader.monitorKeys, context: "in a monitor rule") { key in
                switch key {
                case "expect", "abort_if", "when", "condition": "a monitor rule says when it fires with 'fires'"
                case "every": "how often samples are taken is the monitor's (warden serve's `monitors:`, default 1m), not the rule's"
                default: nil
                }
            }
            guard let nameEntry = keys["name"], let probeEntry = keys["probe"] else {
                report("a monitor rule needs 'name' (how incidents and metrics call it) and 'probe' (what it reads)", at: item)
                continue
            }
            guard let name = identifier(nameEntry.value, kind: "monitor rule name") else { continue }
            if let first = names[name] {
                report("duplicate monitor rule '\(name)' (first at line \(first.line), column \(first.column))", at: nameEntry.value)
                continue
            }
            names[name] = location(of: nameEntry.value)
            if let rule = readMonitorRule(name: scopePrefix + name, keys: keys, probeEntry: probeEntry, at: item) {
                monitorRules.append(rule)
            }
        }
    }

    private mutating func readMonitorRule(name: String, keys: [String: YAMLMapping.Entry], probeEntry: YAMLMapping.Entry,
                                          at item: Node) -> MonitorRule? {
        let probe = probeReference(probeEntry.value, context: "in a monitor rule's probe")
        let value = keys["value"].flatMap { expression($0.value, key: "value") }
        let fires = keys["fires"].flatMap { expression($0.value, key: "fires") }
        let changes = [MonitorChange.Direction.decreased, .increased].compactMap { direction in keys[direction.rawValue].map { (direction, $0) } }
        let windows = ["for", "minutes", "samples"].compactMap { keys[$0] }
        if changes.count > 1 {
            report("a monitor rule counts either decreases or increases, not both", at: changes[1].1.key, hint: "write two rules")
            return nil
        }
        if let (direction, entry) = changes.first {
            if let firesEntry = keys["fires"] {
                report("'fires' and '\(direction.rawValue)' are two rules", at: firesEntry.key,
                       hint: "a rule with '\(direction.rawValue)' fires when its value moves; write the condition as its own rule")
                return nil
            }
            if let window = windows.first {
                report("'\(window.name)' is a window for 'fires'; '\(direction.rawValue)' has its own 'within'", at: window.key)
                return nil
            }
            guard keys["value"] != nil else {
                report("'\(direction.rawValue)' counts moves of the rule's 'value'; give it one", at: entry.key,
                       hint: "e.g. value: result.fault_tolerance.availability")
                return nil
            }
            guard let change = readChange(entry.value, direction: direction) else { return nil }
            guard let probe, let value else { return nil }
            return MonitorRule(name: name, location: location(of: item), scope: scope, probe: probe, probeLocation: location(of: probeEntry.value),
                               value: value, fires: nil, window: .immediately, change: change, severity: severity(keys["severity"]),
                               message: keys["message"].flatMap { text($0.value, key: "message") })
        }
        guard let firesEntry = keys["fires"] else {
            report("a monitor rule needs 'fires' (when a sample breaches) or 'decreased'/'increased' (its value moving)", at: item)
            return nil
        }
        if windows.count > 1 {
            report("a monitor rule has one window: 'for', 'minutes' or 'samples'", at: windows[1].key)
            return nil
        }
        var window = MonitorWindow.immediately
        if let entry = windows.first {
            switch entry.name {
            case "for":
                guard let duration = duration(entry.value, key: "for") else { return nil }
                window = .sustained(duration)
            case "minutes":
                guard let (count, within) = readCountWithin(entry.value, key: "minutes", countKey: "count") else { return nil }
                guard Double(count) * 60 <= within.timeInterval else {
                    report("minutes: \(count) separate minutes do not fit within \(DurationText.format(within))", at: entry.value)
                    return nil
                }
                window = .minutes(count: count, within: within)
            default:
                guard let text = text(entry.value, key: "samples") else { return nil }
                guard let rule = SampleRule.parse(text) else {
                    report("samples must be \"N of M\" (N breaching samples among the last M) or \"N consecutive\", got '\(text)'", at: entry.value,
                           hint: "e.g. samples: \"2 of 3\"")
                    return nil
                }
                window = .samples(rule)
            }
        }
        guard let probe, let fires else { _ = firesEntry; return nil }
        if keys["value"] != nil, value == nil { return nil }
        return MonitorRule(name: name, location: location(of: item), scope: scope, probe: probe, probeLocation: location(of: probeEntry.value),
                           value: value, fires: fires, window: window, change: nil, severity: severity(keys["severity"]),
                           message: keys["message"].flatMap { text($0.value, key: "message") })
    }

    /// `{times: N, within: D}` or `{minutes: N, within: D}`.
    private mutating func readChange(_ node: Node, direction: MonitorChange.Direction) -> MonitorChange? {
        let key = direction.rawValue
        guard case .mapping = node else {
            report("\(key) must be a mapping {times: N, within: DURATION} or {minutes: N, within: DURATION}, got \(YAMLNodeInspection.describe(node))",
                   at: node, hint: "e.g. \(key): {times: 5, within: 1h}")
            return nil
        }
        let keys = knownEntries(of: node, allowed: ["times", "minutes", "within"], context: "in \(key)")
        guard let withinEntry = keys["within"], (keys["times"] == nil) != (keys["minutes"] == nil) else {
            report("\(key) needs 'within' (a duration) and either 'times' (moves) or 'minutes' (separate minutes with a move)", at: node)
            return nil
        }
        let counting: MonitorChange.Counting = keys["times"] != nil ? .times : .minutes
        guard let countEntry = keys[counting.rawValue], let count = integer(countEntry.value, key: counting.rawValue, in: 1...10_000),
              let within = duration(withinEntry.value, key: "within") else { return nil }
        if counting == .minutes, Double(count) * 60 > within.timeInterval {
            report("\(key): \(count) separate minutes do not fit within \(DurationText.format(within))", at: countEntry.value)
            return nil
        }
        return MonitorChange(direction: direction, count: count, counting: counting, within: within)
    }

    private mutating func readCountWithin(_ node: Node, key: String, countKey: String) -> (Int, Duration)? {
        guard case .mapping = node else {
            report("\(key) must be a mapping {\(countKey): N, within: DURATION}, got \(YAMLNodeInspection.describe(node))", at: node,
                   hint: "e.g. \(key): {\(countKey): 30, within: 60m}")
            return nil
        }
        let keys = knownEntries(of: node, allowed: [countKey, "within"], context: "in \(key)")
        guard let countEntry = keys[countKey], let withinEntry = keys["within"] else {
            report("\(key) needs '\(countKey)' and 'within'", at: node)
            return nil
        }
        guard let count = integer(countEntry.value, key: countKey, in: 1...10_000), let within = duration(withinEntry.value, key: "within") else {
            return nil
        }
        return (count, within)
    }

    private mutating func severity(_ entry: YAMLMapping.Entry?) -> MonitorSeverity {
        guard let entry, let name = text(entry.value, key: "severity") else { return .warning }
        guard let severity = MonitorSeverity(rawValue: name) else {
            report("severity must be critical, warning or info, got '\(name)'", at: entry.value,
                   hint: NameSuggestion.hint(for: name, among: MonitorSeverity.allCases.map(\.rawValue)))
            return .warning
        }
        return severity
    }
}
