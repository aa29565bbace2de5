import Yams

/// `steps:` and `finally:` — each step's kind and its settings.
extension RunbookLoader {
    static let stepKinds = ["run", "check", "wait", "approve", "collect", "pause", "report", "include", "each"]
    static let commandStepKeys = [
        "id", "doc", "on", "when", "timeout", "retries", "delay", "until", "on_error", "serial", "max_fail",
        "batch_pause", "between_batches", "parse", "pattern", "expect", "no_log", "become",
    ]
    /// The keys each kind of step takes besides its kind key.
    static let stepKeys: [String: [String]] = [
        "run": commandStepKeys + ["undo", "readonly", "verify", "deadman", "unguarded"],
        "check": commandStepKeys,
        "wait": ["id", "doc", "when", "on_error"],
        "approve": ["id", "doc", "when"],
        "collect": ["id", "doc", "on", "when", "timeout", "on_error", "serial", "max_fail", "batch_pause", "between_batches", "max_bytes",
                    "follow_symlinks"],
        "pause": ["id", "doc", "when", "reason"],
        "report": ["id", "doc", "when"],
        "include": ["id", "doc", "params", "targets"],
        "each": ["id", "doc", "steps"],
    ]

    /// Reads a list of steps into `steps` (or, for cleanup, the returned list).
    mutating func readSteps(_ node: Node, cleanup: Bool) -> [Step] {
        if YAMLNodeInspection.isNull(node) { return [] }
        guard case let .sequence(items) = node else {
            report("\(cleanup ? "finally" : "steps") must be a list of steps, got \(YAMLNodeInspection.describe(node))", at: node)
            return []
        }
        var result: [Step] = []
        for item in items {
            guard case .mapping = item else {
                report("each step must be a mapping with an 'id' and one of \(RunbookLoader.stepKinds.joined(separator: ", ")), got \(YAMLNodeInspection.describe(item))", at: item)
                continue
            }
            result += readStep(item, cleanup: cleanup)
        }
        return result
    }

    /// One step; an include step turns into the included runbook's steps.
    private mutating func readStep(_ node: Node, cleanup: Bool) -> [Step] {
        pendingDurations = []
        defer { pendingDurations = nil }
        let all = entries(of: node, context: "in a step")
        let byName = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let kinds = all.filter { RunbookLoader.stepKinds.contains($0.name) }
        let idNode = byName["id"]?.value
        let id = idNode.flatMap { identifier($0, kind: "step id") }
        let label = id.map { "step '\($0)'" } ?? "this step"
        if idNode == nil {
            report("every step needs an 'id' (letters, digits, '_'): later steps, the journal and `warden resume` refer to it", at: node)
        }
        guard let kind = kinds.first else {
            let unknown = all.map(\.name).filter { RunbookLoader.stepKeys["run"]?.contains($0) != true && $0 != "reason" }
            let hint = unknown.lazy.compactMap { NameSuggestion.hint(for: $0, among: RunbookLoader.stepKinds) }.first
            report("\(label) needs one of \(RunbookLoader.stepKinds.joined(separator: ", "))", at: node, hint: hint)
            return []
        }
        for extra in kinds.dropFirst() {
            report("\(label) has both '\(kind.name)' and '\(extra.name)'; a step does one thing", at: extra.key,
                   hint: "split it into two steps")
        }
        let allowed = RunbookLoader.stepKeys[kind.name] ?? []
        for entry in all where entry.name != kind.name && !allowed.contains(entry.name) && !RunbookLoader.stepKinds.contains(entry.name) {
            let applies = RunbookLoader.stepKeys.filter { $0.value.contains(entry.name) }.keys.sorted()
            let hint = applies.isEmpty
                ? (NameSuggestion.hint(for: entry.name, among: Set(RunbookLoader.stepKeys.values.joined()).union(RunbookLoader.stepKinds)) ?? "allowed here: \(allowed.joined(separator: ", "))")
                : "it applies to \(applies.map { "'\($0)'" }.joined(separator: ", ")) steps"
            let known = !applies.isEmpty
            let article = "aeiou".contains(kind.name.prefix(1)) ? "an" : "a" // "an approve step", "an include step"
            report(known ? "'\(entry.name)' does not apply to \(article) \(kind.name) step" : "unknown key '\(entry.name)' in \(label)", at: entry.key, hint: hint)
        }
        if let group, ["include", "each", "approve"].contains(kind.name) {
            report("an each group cannot hold \(kind.name == "each" ? "another each group" : "an \(kind.name) step")", at: kind.key,
                   hint: kind.name == "approve" ? "approve before the group: one approval covers every host it goes through"
                       : "list the steps themselves in '\(group.id)'")
            return []
        }
        if kind.name == "each" {
            if cleanup {
                report("finally cannot hold an each group: cleanup restores what the run changed, for every host at once", at: kind.key)
                return []
            }
            guard let id else { return [] }
            return readEach(kind.value, id: id, keys: byName, at: node)
        }
        if kind.name == "include" {
            if cleanup {
                report("finally cannot include a runbook; list the cleanup steps themselves", at: kind.key)
                return []
            }
            guard let id else { return [] }
            return readInclude(kind.value, id: id, keys: byName, at: node)
        }
        if cleanup, kind.name == "approve" {
            report("finally cannot wait for approval: cleanup must always be able to run", at: kind.key)
            return []
        }

        let settings = readStepSettings(byName, kindName: kind.name, label: label)
        guard let stepKind = readStepKind(kind, keys: byName, label: label) else { return [] }
        let needsTarget = ["run", "check", "collect"].contains(kind.name)
        var target: String?
        var onEach = false
        if let onEntry = byName["on"] {
            target = text(onEntry.value, key: "on").map { scopePrefix + $0 }
            // Inside a group, `each` is the host the group is at.
            if let group, target == scopePrefix + "each" {
                target = group.target
                onEach = true
            }
        } else if needsTarget {
            report("\(label) needs 'on': the target it runs on", at: node, hint: "e.g. on: admin")
        }
        // A step whose expression failed to parse, or that lacks its 'on:',
        // is still kept (the errors already stop the runbook from loading),
        // so that its other references are checked in the same pass.
        guard let id else { return [] }
        var step = Step(
            id: (group.map { $0.id + "." } ?? scopePrefix) + id, location: location(of: node), scope: scope, kind: stepKind,
            doc: byName["doc"].flatMap { text($0.value, key: "doc") }, target: target,
            targetLocation: byName["on"].map { location(of: $0.value) }, when: settings.when,
            timeout: settings.timeout ?? stepDefaults.timeout, retries: settings.retries ?? stepDefaults.retries,
            delay: settings.delay ?? stepDefaults.delay, until: settings.until,
            onError: settings.onError ?? stepDefaults.onError, undo: settings.undo,
            readonlyOverride: settings.readonly ?? false, serial: settings.serial, maxFail: settings.maxFail,
            batchPause: settings.batchPause, parser: settings.parser, expect: settings.expect, isCleanup: cleanup)
        step.verify = settings.verify
        step.deadman = settings.deadman
        step.betweenBatches = settings.betweenBatches
        step.unguarded = settings.unguarded
        step.noLog = settings.noLog ?? false
        step.become = settings.become
        step.group = group
        step.onEach = onEach
        for pending in pendingDurations ?? [] {
            let field: DurationParameter.Field? = switch (kind.name, pending.key) {
            case ("wait", "every"): .waitEvery
            case ("wait", "timeout"): .waitTimeout
            case ("approve", "timeout"): .approvalTimeout
            case (_, "timeout"): .timeout
            case (_, "delay"): .delay
            case (_, "batch_pause"): .batchPause
            case (_, "pause"): .pause
            case (_, "deadman"), (_, "deadman.after"): .deadmanAfter
            default: nil
            }
            if let field {
                durationParameters.append(DurationParameter(field: field, step: step.id, watch: nil, parameter: pending.parameter,
                                                            scope: scope, location: pending.location))
            }
        }
        return [step]
    }

    private mutating func readStepSettings(_ keys: [String: YAMLMapping.Entry], kindName: String, label: String) -> StepSettings {
        var settings = StepSettings()
        func value(_ key: String) -> Node? { keys[key]?.value }
        if let node = value("when") { settings.when = expression(node, key: "when") }
        if let node = value("until") { settings.until = expression(node, key: "until") }
        if let node = value("expect") { settings.expect = expression(node, key: "expect") }
        if let node = value("timeout") { settings.timeout = duration(node, key: "timeout") }
        if let node = value("delay") { settings.delay = duration(node, key: "delay") }
        if let node = value("batch_pause") { settings.batchPause = duration(node, key: "batch_pause") }
        if let node = value("retries") { settings.retries = integer(node, key: "retries", in: 0...100) }
        if let node = value("serial") { settings.serial = batchSize(node, key: "serial", allowZero: false) }
        if let node = value("max_fail") { settings.maxFail = batchSize(node, key: "max_fail", allowZero: true) }
        if let node = value("readonly") { settings.readonly = bool(node, key: "readonly") }
        if let node = value("no_log") { settings.noLog = bool(node, key: "no_log") }
        if let node = value("become") { settings.become = readBecome(node) }
        if let node = value("undo") { settings.undo = template(node, key: "undo") }
        if let node = value("verify") { settings.verify = readVerify(node) }
        if let node = value("deadman") { settings.deadman = readDeadman(node) }
        if let node = value("parse") { settings.parser = parser(node, pattern: value("pattern")) }
        if value("parse") == nil, let entry = keys["pattern"] {
            report("pattern needs 'parse: regex'", at: entry.key)
        }
        if let node = value("on_error") {
            if let name = text(node, key: "on_error") {
                settings.onError = ErrorPolicy(rawValue: name)
                if settings.onError == nil {
                    report("on_error must be abort, continue or rollback, got '\(name)'", at: node,
                           hint: NameSuggestion.hint(for: name, among: ErrorPolicy.allCases.map(\.rawValue)))
                }
            }
        }
        if settings.readonly == true, settings.undo != nil, let entry = keys["undo"] {
            report("\(label) is declared readonly, so it has nothing to undo", at: entry.key)
        }
        if let entry = keys["unguarded"] {
            settings.unguarded = readUnguarded(entry.value)
            if settings.readonly == true {
                report("\(label) is declared readonly: it changes nothing, so no guard is missing and 'unguarded' says nothing", at: entry.key)
            }
        }
        if let entry = keys["batch_pause"], keys["serial"] == nil {
            report("batch_pause needs 'serial': without batches there is nothing to pause between", at: entry.key)
        }
        if let entry = keys["between_batches"] {
            if keys["serial"] == nil {
                report("between_batches needs 'serial': without batches there is nothing to check between", at: entry.key)
            }
            settings.betweenBatches = readBatchGate(entry.value)
        }
        return settings
    }

    private mutating func readStepKind(_ kind: YAMLMapping.Entry, keys: [String: YAMLMapping.Entry], label: String) -> StepKind? {
        switch kind.name {
        case "run":
            return template(kind.value, key: "run").map(StepKind.run)
        case "check":
            return template(kind.value, key: "check").map(StepKind.check)
        case "wait":
            return readWait(kind.value).map(StepKind.wait)
        case "approve":
            return readApproval(kind.value).map(StepKind.approve)
        case "collect":
            // Each problem once: textList already reports a value of the
            // wrong shape and each bad entry.
            if YAMLNodeInspection.isNull(kind.value) {
                report("collect needs the remote path(s) to fetch", at: kind.value)
                return nil
            }
            let paths = textList(kind.value, key: "collect").compactMap { _, node in template(node, key: "collect") }
            guard !paths.isEmpty else {
                if case let .sequence(items) = kind.value, items.isEmpty {
                    report("collect must list at least one remote path", at: kind.value)
                }
                return nil
            }
            var collect = CollectSpec(paths: paths)
            if let entry = keys["max_bytes"] {
                guard let cap = byteCap(entry.value) else { return nil }
                collect.maxBytes = cap
            }
            if let entry = keys["follow_symlinks"] {
                guard let follow = bool(entry.value, key: "follow_symlinks") else { return nil }
                collect.followSymlinks = follow
            }
            return .collect(collect)
        case "pause":
            guard let duration = duration(kind.value, key: "pause") else { return nil }
            let reason = keys["reason"].flatMap { text($0.value, key: "reason") }
            return .pause(PauseSpec(duration: duration, reason: reason))
        case "report":
            return readReport(kind.value).map(StepKind.report)
        default:
            return nil
        }
    }

    /// `max_bytes: 2147483648` or `max_bytes: "{{ params.max_fetch_bytes }}"`:
    /// a positive number of bytes, or a template reading parameters that
    /// renders to one (checked against the parameters when the run starts).
    private mutating func byteCap(_ node: Node) -> Template? {
        let example = "e.g. max_bytes: 1073741824, or max_bytes: \"{{ params.max_fetch_bytes }}\""
        if YAMLNodeInspection.tag(of: node) == .int {
            guard let bytes = integer(node, key: "max_bytes", in: 1...Int.max) else { return nil }
            return try? Template.parse(String(bytes), at: location(of: node))
        }
        guard case .scalar = node, YAMLNodeInspection.tag(of: node) == .str else {
            report("max_bytes must be a number of bytes above zero, got \(YAMLNodeInspection.describe(node))", at: node, hint: example)
            return nil
        }
        guard let cap = template(node, key: "max_bytes") else { return nil }
        if cap.isLiteral, (YAMLNodeInspection.integer(cap.text.trimmingCharacters(in: .whitespaces)) ?? 0) < 1 {
            report("max_bytes must be a number of bytes above zero, got '\(cap.text)'", at: node, hint: example)
            return nil
        }
        return cap
    }

    /// `deadman: 30m` (runs the step's undo) or `deadman: {after: 30m, run: CMD}`.
    private mutating func readDeadman(_ node: Node) -> DeadmanSpec? {
        if case .scalar = node {
            return duration(node, key: "deadman").map { DeadmanSpec(after: $0, command: nil, location: location(of: node)) }
        }
        guard case .mapping = node else {
            report("deadman must be a duration or a mapping with 'after' and 'run', got \(YAMLNodeInspection.describe(node))", at: node,
                   hint: "e.g. deadman: {after: 45m, run: \"set back to steady\"}")
            return nil
        }
        let keys = knownEntries(of: node, allowed: ["after", "run"], context: "in deadman")
        guard let afterEntry = keys["after"] else {
            report("deadman needs 'after': how long the host waits before it reverts on its own", at: node)
            return nil
        }
        let after = duration(afterEntry.value, key: "deadman.after")
        let command = keys["run"].flatMap { template($0.value, key: "deadman.run") }
        guard let after else { return nil }
        return DeadmanSpec(after: after, command: command, location: location(of: node))
    }

    /// `unguarded: "why"`: the reason a mutating step needs no guard, which
    /// acknowledges the warning that none protects it. A reason, not a flag:
    /// whoever reads the runbook (an approver) learns why, and `true` would
    /// silence the warning without saying anything.
    private mutating func readUnguarded(_ node: Node) -> String? {
        let example = "e.g. unguarded: \"creates a scratch folder; the cluster cannot be harmed by it\""
        if case let .scalar(scalar) = node, scalar.style == .plain, Bool.construct(from: scalar) != nil {
            report("unguarded must say why no guard is needed, got \(scalar.string)", at: node, hint: example)
            return nil
        }
        guard let reason = text(node, key: "unguarded") else { return nil }
        guard !reason.allSatisfy(\.isWhitespace) else {
            report("unguarded must say why no guard is needed, got empty text", at: node, hint: example)
            return nil
        }
        return reason
    }

    /// `verify: {run: CMD, parse: NAME, expect: EXPR}`.
    private mutating func readVerify(_ node: Node) -> VerifySpec? {
        guard case .mapping = node else {
            report("verify must be a mapping with 'run' (a read-only command) and 'expect' (true when the change took effect), got \(YAMLNodeInspection.describe(node))", at: node)
            return nil
        }
        let keys = knownEntries(of: node, allowed: ["run", "parse", "pattern", "expect"], context: "in verify")
        guard let runEntry = keys["run"], let expectEntry = keys["expect"] else {
            report("verify needs 'run' (a read-only command) and 'expect' (true when the change took effect)", at: node)
            return nil
        }
        let command = template(runEntry.value, key: "verify.run")
        let expect = expression(expectEntry.value, key: "verify.expect")
        let parser = keys["parse"].flatMap { self.parser($0.value, pattern: keys["pattern"]?.value) }
        guard let command, let expect else { return nil }
        return VerifySpec(command: command, parser: parser, expect: expect, location: location(of: node))
    }

    /// `between_batches: {wait: {probe, until, consecutive, every, timeout}}`.
    /// Its durations are written out: the loader maps a duration parameter to
    /// one field of a step, and these are not the step's own `every`/`timeout`.
    private mutating func readBatchGate(_ node: Node) -> BatchGate? {
        let example = "e.g. between_batches: {wait: {probe: health, until: \"result.healthy\", every: 10s, timeout: 5m}}"
        guard case .mapping = node else {
            report("between_batches must be a mapping with 'wait', got \(YAMLNodeInspection.describe(node))", at: node, hint: example)
            return nil
        }
        let keys = knownEntries(of: node, allowed: ["wait"], context: "in between_batches")
        guard let waitEntry = keys["wait"] else {
            report("between_batches needs 'wait': the probe to poll and the condition the next batch waits for", at: node, hint: example)
            return nil
        }
        let pending = pendingDurations
        pendingDurations = nil
        defer { pendingDurations = pending }
        return readWait(waitEntry.value).map { BatchGate(wait: $0, location: location(of: node)) }
    }

    private mutating func readWait(_ node: Node) -> WaitSpec? {
        guard case .mapping = node else {
            report("wait must be a mapping with 'probe', 'until', 'every' and 'timeout', got \(YAMLNodeInspection.describe(node))", at: node)
            return nil
        }
        let keys = knownEntries(of: node, allowed: ["probe", "until", "consecutive", "every", "timeout"], context: "in wait")
        guard let probeEntry = keys["probe"], let untilEntry = keys["until"], let timeoutEntry = keys["timeout"] else {
            report("wait needs 'probe' (what to poll), 'until' (when to stop) and 'timeout' (a duration, or 'window')", at: node)
            return nil
        }
        let probe = probeReference(probeEntry.value, context: "in wait's probe")
        let until = expression(untilEntry.value, key: "until")
        let consecutive = keys["consecutive"].map { integer($0.value, key: "consecutive", in: 1...1000) } ?? 1
        let every = keys["every"].map { duration($0.value, key: "every") } ?? .seconds(10)
        var timeout: WaitTimeout?
        if timeoutEntry.value.scalar?.string == "window" {
            timeout = .window
        } else {
            timeout = duration(timeoutEntry.value, key: "timeout").map(WaitTimeout.duration)
        }
        guard let probe, let until, let consecutive, let every, let timeout else { return nil }
        return WaitSpec(probe: probe, probeLocation: location(of: probeEntry.value), until: until, consecutive: consecutive,
                        every: every, timeout: timeout)
    }

    private mutating func readApproval(_ node: Node) -> ApprovalSpec? {
        if YAMLNodeInspection.isNull(node) {
            return ApprovalSpec(quorum: 1, timeout: .seconds(3600), approvers: [], message: nil)
        }
        guard case .mapping = node else {
            report("approve must be a mapping (quorum, timeout, approvers, message), got \(YAMLNodeInspection.describe(node))", at: node)
            return nil
        }
        let keys = knownEntries(of: node, allowed: ["quorum", "timeout", "approvers", "message"], context: "in approve")
        let quorum = keys["quorum"].map { integer($0.value, key: "quorum", in: 1...100) } ?? 1
        let timeout = keys["timeout"].map { duration($0.value, key: "timeout") } ?? .seconds(3600)
        let approvers = keys["approvers"].map { textList($0.value, key: "approvers").map(\.0) } ?? []
        let message = keys["message"].flatMap { text($0.value, key: "message") }
        if let quorum, !approvers.isEmpty, approvers.count < quorum, let entry = keys["approvers"] {
            report("quorum is \(quorum) but only \(approvers.count) approver\(approvers.count == 1 ? "" : "s") may approve", at: entry.key)
        }
        guard let quorum, let timeout else { return nil }
        return ApprovalSpec(quorum: quorum, timeout: timeout, approvers: approvers, message: message)
    }
}

/// The settings of a step as read, before they are combined with defaults.
struct StepSettings {
    var when: Expression?
    var until: Expression?
    var expect: Expression?
    var timeout: Duration?
    var delay: Duration?
    var batchPause: Duration?
    var retries: Int?
    var serial: BatchSize?
    var maxFail: BatchSize?
    var readonly: Bool?
    var undo: Template?
    var verify: VerifySpec?
    var deadman: DeadmanSpec?
    var betweenBatches: BatchGate?
    var unguarded: String?
    var noLog: Bool?
    var become: BecomeSetting?
    var parser: ParserSpec?
    var onError: ErrorPolicy?
}

extension RunbookLoader {
    /// A step's `become:` (see `BecomeReading`); it may name the secret parameter holding a sudo password.
    mutating func readBecome(_ node: Node) -> BecomeSetting? {
        let (setting, problems) = BecomeReading.read(node, passwordAllowed: true)
        for problem in problems { report(problem.message, at: problem.node, hint: problem.hint) }
        return setting
    }
}
