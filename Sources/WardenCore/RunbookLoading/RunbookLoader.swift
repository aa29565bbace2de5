import Foundation
import Yams

/// Reads runbook YAML into a `Runbook`, collecting every problem (errors and
/// warnings) instead of stopping at the first, so one `warden validate` shows
/// all there is to fix.
///
/// The `+Values`, `+Parameters`, `+Targets`, `+Probes`, `+Steps` and
/// `+Include` extensions read the parts; `RunbookChecks` then checks the
/// references between them (undefined names, later steps, missing guards).
struct RunbookLoader {
    /// Past this many errors the rest are only counted.
    static let errorLimit = 200
    /// Included runbooks may include others, but not forever.
    static let maximumIncludeDepth = 8

    static let topLevelKeys = [
        "name", "summary", "params", "targets", "lock", "window", "guards", "watch", "probes",
        "defaults", "steps", "finally", "allow_self_approval", "use",
    ]
    /// A rules file: what protects changes, nothing that makes them.
    static let rulesKeys = ["rules", "summary", "params", "targets", "probes", "guards", "watch", "use", "monitor"]

    /// The file being read now (includes switch it).
    var file: String
    /// The file's lines (split at "\n", as Unicode scalars, the unit YAML columns count).
    var lines: [[Unicode.Scalar]] = []
    private(set) var diagnostics: [Diagnostic] = []
    private var uncountedErrors = 0
    /// Shared by all literal values in all files, see `Value.maximumNodeCount`.
    var valueBudget = Value.maximumNodeCount

    // What has been read so far, across included files.
    var sources: [RunbookSource] = []
    var scopes: [RunbookScope] = []
    var targets: [TargetSpec] = []
    var probes: [ProbeSpec] = []
    var guards: [GuardSpec] = []
    var watches: [WatchSpec] = []
    var monitorRules: [MonitorRule] = []
    var steps: [Step] = []
    /// Cleanup per scope, in the order the scopes were read.
    var cleanup: [[Step]] = []
    /// Canonical paths of the files being read, innermost last, to catch cycles.
    var includeStack: [String] = []
    /// Scope being read now.
    var scope = 0
    /// The `each:` group being read, whose steps get its id in front of theirs.
    var group: StepGroup?
    /// Durations read from parameters; `pendingDurations` holds those of the
    /// step or watch being read until it has its id or index. Nil: the place
    /// being read takes no parameters (defaults, a lock's lease, the window).
    var durationParameters: [DurationParameter] = []
    var pendingDurations: [(key: String, parameter: String, location: SourceLocation)]?
    /// Step settings from the current file's `defaults:`.
    var stepDefaults = StepDefaults()

    init(file: String) {
        self.file = file
    }

    // MARK: - Reporting

    mutating func report(_ error: LocatedError) {
        guard diagnostics.count < RunbookLoader.errorLimit else {
            uncountedErrors += 1
            return
        }
        diagnostics.append(Diagnostic(.error, error))
    }

    mutating func report(_ message: @autoclosure () -> String, at node: Node, hint: @autoclosure () -> String? = nil) {
        report(message(), at: location(of: node), hint: hint())
    }

    mutating func report(_ message: @autoclosure () -> String, at location: SourceLocation, hint: @autoclosure () -> String? = nil) {
        guard diagnostics.count < RunbookLoader.errorLimit else {
            uncountedErrors += 1
            return
        }
        diagnostics.append(Diagnostic(.error, LocatedError(message(), at: location, hint: hint())))
    }

    mutating func warn(_ message: String, at location: SourceLocation, hint: String? = nil) {
        guard diagnostics.count < RunbookLoader.errorLimit else { return }
        diagnostics.append(Diagnostic(.warning, LocatedError(message, at: location, hint: hint)))
    }

    func location(of node: Node) -> SourceLocation {
        YAMLDocument.location(of: node, file: file)
    }

    /// Every finding, in file order; errors before warnings at one spot.
    func finishedDiagnostics() -> [Diagnostic] {
        var sorted = Diagnostic.inFileOrder(diagnostics)
        if uncountedErrors > 0 {
            sorted.append(Diagnostic(.error, LocatedError("too many errors; \(uncountedErrors) more not shown")))
        }
        return sorted
    }

    mutating func entries(of node: Node, context: String) -> [YAMLMapping.Entry] {
        let (entries, problems) = YAMLMapping.entries(of: node, context: context, file: file)
        for problem in problems { report(problem) }
        return entries
    }

    /// Reports keys of a mapping that are not in `allowed`, with a
    /// did-you-mean, and returns the others by name.
    mutating func knownEntries(
        of node: Node, allowed: [String], context: String, explain: ((String) -> String?)? = nil
    ) -> [String: YAMLMapping.Entry] {
        var result: [String: YAMLMapping.Entry] = [:]
        for entry in entries(of: node, context: context) {
            guard allowed.contains(entry.name) else {
                let hint = explain?(entry.name)
                    ?? NameSuggestion.hint(for: entry.name, among: allowed)
                    ?? "allowed: \(allowed.joined(separator: ", "))"
                report("unknown key '\(entry.name)' \(context)", at: entry.key, hint: hint)
                continue
            }
            result[entry.name] = entry
        }
        return result
    }
}

/// What a runbook's `defaults:` sets for its steps.
struct StepDefaults {
    var timeout: Duration?
    var onError: ErrorPolicy = .abort
    var retries = 0
    var delay: Duration = .seconds(1)
}
