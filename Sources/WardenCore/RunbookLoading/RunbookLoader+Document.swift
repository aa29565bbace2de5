import Foundation
import Yams

/// The top level of a runbook file, for the runbook itself and for each
/// file it includes.
extension RunbookLoader {
    /// What only the top-level runbook decides; included files' copies are ignored.
    struct RunWideSettings {
        var name: String?
        var summary: String?
        var lock: LockSpec?
        var window: WindowSpec?
        var allowSelfApproval = false
        /// The file is a rules file (`rules: NAME`): probes, guards and watches, no steps.
        var isRules = false
    }

    /// Reads one file's text into the loader's collections as scope `scope`.
    /// Returns the run-wide settings it declares, or nil when the file holds
    /// no usable runbook at all.
    mutating func readDocument(
        _ yaml: String, path: String, prefix: String, parent: Int?, arguments: [String: IncludeArgument], origin: ScopeOrigin,
        introducedAt: SourceLocation? = nil
    ) -> RunWideSettings? {
        let savedFile = file, savedLines = lines, savedScope = scope, savedDefaults = stepDefaults
        defer { file = savedFile; lines = savedLines; scope = savedScope; stepDefaults = savedDefaults }
        file = path
        lines = yaml.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map(Array.init)
        stepDefaults = StepDefaults()
        sources.append(RunbookSource(path: path, text: yaml))

        let root: Node?
        do {
            root = try YAMLDocument.compose(yaml, file: path)
        } catch {
            report(error)
            return nil
        }
        guard let root, !YAMLNodeInspection.isNull(root) else {
            report(LocatedError("the runbook is empty; it needs at least 'name' and 'steps'", at: SourceLocation(file: path, line: 1, column: 1)))
            return nil
        }
        guard case .mapping = root else {
            report("a runbook must be a mapping with 'name' and 'steps', got \(YAMLNodeInspection.describe(root))", at: root)
            return nil
        }
        // A rules file says so with `rules: NAME` in place of `name:`; `use:` takes only those.
        let isRules = YAMLMapping.hasKey("rules", in: root)
        if origin.isRules, !isRules {
            report("'\((path as NSString).lastPathComponent)' is a runbook, not a rules file; \(origin.place) takes a file that starts with 'rules: NAME'",
                   at: location(of: root), hint: "a runbook's steps run in place with an include step; its probes, guards and watches can move into a rules file both use")
            return nil
        }
        if case .include = origin, isRules {
            report("'\((path as NSString).lastPathComponent)' is a rules file (it has no steps to run in place); use it at the top of the runbook",
                   at: location(of: root), hint: "use: [\((path as NSString).lastPathComponent)]")
            return nil
        }
        let allowed = isRules ? RunbookLoader.rulesKeys : RunbookLoader.topLevelKeys
        let context = isRules ? "at the top level of a rules file" : "at the top level of the runbook"
        let keys = knownEntries(of: root, allowed: allowed, context: context) { key in
            switch key {
            case "tasks", "plays": return "Warden runbooks list their work under 'steps'"
            case "always", "cleanup", "ensure": return "cleanup that always runs goes under 'finally'"
            case "hosts": return "hosts are chosen by named 'targets' that steps refer to with 'on'"
            case "steps", "finally", "lock", "window", "defaults", "allow_self_approval", "name" where isRules:
                return "a rules file holds only rules, summary, params, targets, probes, guards, watch, use and monitor; steps belong in a runbook"
            case "monitor" where !isRules:
                return "monitor rules live in a rules file (rules: NAME), which warden monitor check and warden serve's monitors read"
            default: return nil
            }
        }

        // Parameters first: the scope must exist before anything that belongs to it.
        let parameters = keys["params"].map { readParameters($0.value) } ?? []
        scope = scopes.count
        // A rules file's guards protect the steps of whoever uses it.
        let owner = origin.isRules ? (parent.map { scopes[$0].guardOwner } ?? scope) : scope
        scopes.append(RunbookScope(index: scope, prefix: prefix, file: path, parameters: parameters, parent: parent,
                                   arguments: arguments, origin: origin, introducedAt: introducedAt, guardOwner: owner))
        cleanup.append([])

        var settings = RunWideSettings()
        settings.isRules = isRules
        if isRules {
            settings.name = keys["rules"].flatMap { text($0.value, key: "rules") }
        } else if let entry = keys["name"] {
            settings.name = text(entry.value, key: "name")
        } else if parent == nil {
            report(LocatedError("the runbook needs a 'name'", at: location(of: root)))
        }
        settings.summary = keys["summary"].flatMap { text($0.value, key: "summary") }
        if let entry = keys["defaults"] { readStepDefaults(entry.value) }
        if let entry = keys["targets"] { readTargets(entry.value) }
        // Rules files next: their guards come before the file's own, and their
        // target aliases name targets read just above.
        if let entry = keys["use"] { readUses(entry.value) }
        if let entry = keys["probes"] { readProbes(entry.value) }
        if let entry = keys["guards"] { readGuards(entry.value) }
        if let entry = keys["lock"] { settings.lock = readLock(entry.value) }
        if let entry = keys["window"] { settings.window = readWindow(entry.value) }
        if let entry = keys["watch"] { readWatches(entry.value) }
        if let entry = keys["monitor"] { readMonitor(entry.value) }
        if let entry = keys["allow_self_approval"] {
            settings.allowSelfApproval = bool(entry.value, key: "allow_self_approval") ?? false
            // Warned about here, where the key's place is known; an included
            // runbook's is ignored, and warned about as such below.
            if settings.allowSelfApproval, parent == nil {
                warn("allow_self_approval lets whoever starts the run approve it: the gate then guards against nothing but haste",
                     at: location(of: entry.key))
            }
        }
        if parent != nil {
            for key in ["lock", "window", "allow_self_approval"] {
                if let entry = keys[key] {
                    warn("'\(key)' of an included runbook is ignored; the including runbook's applies to the whole run", at: location(of: entry.key))
                }
            }
        }
        if let entry = keys["steps"] {
            steps += readSteps(entry.value, cleanup: false)
        } else if !isRules {
            report(LocatedError("the runbook needs 'steps'", at: location(of: root)))
        }
        if let entry = keys["finally"] {
            let index = scope
            cleanup[index] = readSteps(entry.value, cleanup: true)
        }
        return settings
    }

    private mutating func readStepDefaults(_ node: Node) {
        guard case .mapping = node else {
            report("defaults must be a mapping (timeout, retries, delay, on_error), got \(YAMLNodeInspection.describe(node))", at: node)
            return
        }
        let keys = knownEntries(of: node, allowed: ["timeout", "retries", "delay", "on_error"], context: "in defaults")
        if let entry = keys["timeout"] { stepDefaults.timeout = duration(entry.value, key: "timeout") }
        if let entry = keys["retries"], let retries = integer(entry.value, key: "retries", in: 0...100) { stepDefaults.retries = retries }
        if let entry = keys["delay"], let delay = duration(entry.value, key: "delay") { stepDefaults.delay = delay }
        if let entry = keys["on_error"], let name = text(entry.value, key: "on_error") {
            if let policy = ErrorPolicy(rawValue: name) {
                stepDefaults.onError = policy
            } else {
                report("on_error must be abort, continue or rollback, got '\(name)'", at: entry.value,
                       hint: NameSuggestion.hint(for: name, among: ErrorPolicy.allCases.map(\.rawValue)))
            }
        }
    }
}
