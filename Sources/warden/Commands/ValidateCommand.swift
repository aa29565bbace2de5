import ArgumentParser
import Foundation
import WardenCore

/// `warden validate`: every mistake in a runbook that can be found without a host.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check runbooks without touching a host, reporting every problem as file:line:column.",
        discussion: """
            Checks the schema, unknown keys, types, undefined parameters, targets, probes and steps, \
            expressions, references to later steps, duplicate ids and included runbooks. Warnings \
            (a mutating step no guard protects, a raw hole fed by a parameter or a host's output, self-approval) do \
            not fail validation unless --strict is given.
            Exit status: 0 no errors; 2 errors (or, with --strict, warnings).
            """
    )

    @Argument(help: "Runbook files.")
    var files: [String]

    @Flag(help: "Treat warnings as errors.")
    var strict = false

    @Option(help: "Output format: text or json.")
    var output: OutputFormat = .text

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("Give at least one runbook file.") }
    }

    func run() throws {
        var results: [(file: String, result: RunbookLoadResult)] = []
        for file in files {
            results.append((file, Runbook.load(path: file)))
        }
        let errorCount = results.reduce(0) { $0 + $1.result.errors.count }
        let warningCount = results.reduce(0) { $0 + $1.result.warnings.count }
        switch output {
        case .text:
            var text = ""
            for (file, result) in results {
                // One line each, in the compiler's format: a message quoting the runbook cannot forge another.
                for diagnostic in result.diagnostics {
                    text += VisibleText.line(diagnostic.description) + "\n"
                }
                if let runbook = result.runbook {
                    let warnings = result.warnings.isEmpty ? "" : ", \(result.warnings.count) warning\(result.warnings.count == 1 ? "" : "s")"
                    if runbook.isRules {
                        let own = runbook.ownGuards.count
                        let monitor = runbook.monitorRules.count
                        text += VisibleText.line("\(file): ok: rules '\(runbook.name)'") + ", \(own) guard\(own == 1 ? "" : "s"), \(runbook.watches.count) watch\(runbook.watches.count == 1 ? "" : "es")"
                            + (monitor > 0 ? ", \(monitor) monitor rule\(monitor == 1 ? "" : "s")" : "") + "\(warnings)\n"
                    } else {
                        let mutating = runbook.steps.filter(\.isMutating).count
                        text += VisibleText.line("\(file): ok: '\(runbook.name)'") + ", \(runbook.steps.count) step\(runbook.steps.count == 1 ? "" : "s") (\(mutating) mutating), \(runbook.finally.count) cleanup\(warnings)\n"
                    }
                    // Where guards and watches not written in the runbook come from.
                    for used in runbook.usedRulesFiles {
                        text += VisibleText.line("  uses '\(used.name)'\(used.within.map { " (in \($0))" } ?? ""): \(used.file): \(used.guards) guard\(used.guards == 1 ? "" : "s"), \(used.watches) watch\(used.watches == 1 ? "" : "es")") + "\n"
                    }
                }
            }
            if errorCount > 0 || results.count > 1 {
                text += "\(errorCount) error\(errorCount == 1 ? "" : "s"), \(warningCount) warning\(warningCount == 1 ? "" : "s") in \(results.count) file\(results.count == 1 ? "" : "s")\n"
            }
            Terminal.write(text)
        case .json:
            Terminal.writeJSON(try ValidationReport(results: results).json() + "\n")
        }
        if errorCount > 0 || (strict && warningCount > 0) {
            throw ExitStatus.invalidInput
        }
    }
}
