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
    }

    /// Reads one file's text into the loader's collections as scope `scope`.
    /// Returns the run-wide settings it declares, or nil when the file holds
    /// no usable runbook at all.
    mutating func readDocument(
        _ yaml: String, path: String, prefix: String, parent: Int?, arguments: [String: IncludeArgument], includeStep: String?
    ) -> RunWideSettings? {
        let savedFile = file, savedLines = lines, savedScope = scope, savedDefaults = stepDefaults
        defer { file = savedFile; lines = savedLines; scope = savedScope; stepDefaults = savedDefaults }
        file = path
        lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
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
        let keys = knownEntries(of: root, allowed: RunbookLoader.topLevelKeys, context: "at the top level of the runbook") { key in
            switch key {
            case "tasks", "plays": return "Warden runbooks list their work under 'steps'"
            case "always", "cleanup", "ensure": return "cleanup that always runs goes under 'finally'"
            case "hosts": return "hosts are chosen by named 'targets' that steps refer to with 'on'"
            default: return nil
            }
        }

        // Parameters first: the scope must exist before anything that belongs to it.
        let parameters = keys["params"].map { readParameters($0.value) } ?? []
        scope = scopes.count
        scopes.append(RunbookScope(index: scope, prefix: prefix, file: path, parameters: parameters, parent: parent,
                                   arguments: arguments, includeStep: includeStep))
        cleanup.append([])

        var settings = RunWideSettings()
        if let entry = keys["name"] { settings.name = text(entry.value, key: "name") } else if parent == nil {
            report(LocatedError("the runbook needs a 'name'", at: location(of: root)))
        }
        settings.summary = keys["summary"].flatMap { text($0.value, key: "summary") }
        if let entry = keys["defaults"] { readStepDefaults(entry.value) }
        if let entry = keys["targets"] { readTargets(entry.value) }
        if let entry = keys["probes"] { readProbes(entry.value) }
        if let entry = keys["guards"] { readGuards(entry.value) }
        if let entry = keys["lock"] { settings.lock = readLock(entry.value) }
        if let entry = keys["window"] { settings.window = readWindow(entry.value) }
        if let entry = keys["watch"] { readWatches(entry.value) }
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
        } else {
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
