import Foundation

/// What loading a runbook gives: the runbook when it has no errors, and
/// every finding either way (errors and warnings, in file order).
public struct RunbookLoadResult: Sendable {
    public let runbook: Runbook?
    public let diagnostics: [Diagnostic]

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
}

extension Runbook {
    /// Reads and checks the runbook at `path` and every runbook it includes.
    public static func load(path: String) -> RunbookLoadResult {
        do {
            let text = try SourceText.read(path, kind: "runbook")
            return parse(yaml: text, file: path)
        } catch {
            return RunbookLoadResult(runbook: nil, diagnostics: [Diagnostic(.error, error)])
        }
    }

    /// Checks runbook YAML given as text; `file` names it in messages and is
    /// where relative `include` paths start.
    public static func parse(yaml: String, file: String) -> RunbookLoadResult {
        var loader = RunbookLoader(file: file)
        loader.includeStack = [URL(fileURLWithPath: file).standardizedFileURL.resolvingSymlinksInPath().path]
        let settings = loader.readDocument(yaml, path: file, prefix: "", parent: nil, arguments: [:], origin: .runbook)
        guard let settings, !loader.scopes.isEmpty else {
            return RunbookLoadResult(runbook: nil, diagnostics: loader.finishedDiagnostics())
        }
        // Cleanup of included runbooks runs before the includer's own, innermost first.
        let cleanup = loader.cleanup.indices.reversed().flatMap { loader.cleanup[$0] }
        var runbook = Runbook(
            name: settings.name ?? "", summary: settings.summary, file: file, sources: loader.sources,
            scopes: loader.scopes, targets: loader.targets, probes: loader.probes, guards: loader.guards,
            watches: loader.watches, steps: loader.steps, finally: cleanup, lock: settings.lock,
            window: settings.window, allowSelfApproval: settings.allowSelfApproval)
        runbook.durationParameters = loader.durationParameters
        runbook.isRules = settings.isRules
        runbook.monitorRules = loader.monitorRules
        var checks = RunbookChecks(runbook: runbook)
        checks.run()
        let diagnostics = Diagnostic.inFileOrder(loader.finishedDiagnostics() + checks.diagnostics)
        let failed = diagnostics.contains { $0.severity == .error }
        return RunbookLoadResult(runbook: failed ? nil : runbook, diagnostics: diagnostics)
    }
}
