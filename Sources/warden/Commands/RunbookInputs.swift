import ArgumentParser
import Foundation
import WardenCore

/// What `plan` (and later `run`) need before anything reaches a host: the
/// runbook, its parameters and its targets, each checked, every problem
/// reported at once and treated as invalid input (exit 2).
struct RunbookInputs: ParsableArguments {
    @Argument(help: "The runbook file.")
    var runbook: String

    @OptionGroup var inventoryOptions: InventoryOptions

    @Option(name: [.short, .customLong("param")], help: "A parameter, as name=value. Repeatable. Secrets go in --params or WARDEN_PARAM_<NAME>, never here.")
    var params: [String] = []

    @Option(name: .customLong("params"), help: "A YAML file of parameter values.")
    var paramsFile: String?

    @Option(help: ArgumentHelp("Only these of the runbook's hosts (an inventory pattern); never adds one.", valueName: "PATTERN"))
    var limit: String?

    /// The loaded runbook, bound parameters and resolved targets.
    func load() throws -> EngineContext {
        try RunbookInputs.load(runbook: runbook, params: params, paramsFile: paramsFile, inventory: inventoryOptions.inventory,
                               limit: limit)
    }

    /// Loads and binds a runbook; `journaled` values (a resumed run's) come
    /// under the ones given now.
    static func load(
        runbook: String, params: [String], paramsFile: String?, inventory inventoryPath: String, limit: String? = nil,
        journaled: ((Runbook) -> [String: Value])? = nil
    ) throws -> EngineContext {
        let loaded = Runbook.load(path: runbook)
        for warning in loaded.warnings {
            Terminal.writeError(VisibleText.line(warning.description) + "\n")
        }
        guard let book = loaded.runbook else {
            throw InvalidInput(description: loaded.errors.map(\.description).joined(separator: "\n"))
        }
        var given: [(name: String, text: String)] = []
        var problems: [String] = []
        for item in params {
            guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                problems.append("-p \(item): give it as name=value")
                continue
            }
            let name = String(item[..<equals])
            if let spec = book.parameters.first(where: { $0.name == name }), spec.secret {
                // Refused before it is used: argv is visible to every user of the machine (ps).
                problems.append("-p \(name): '\(name)' is a secret and must not be on the command line, where any user can read it with ps; put it in a --params file or in WARDEN_PARAM_\(name.uppercased())")
                continue
            }
            given.append((name, String(item[item.index(after: equals)...])))
        }
        let environment = ProcessInfo.processInfo.environment
        for spec in book.parameters where spec.secret {
            if let value = environment["WARDEN_PARAM_\(spec.name.uppercased())"] {
                given.append((spec.name, value))
            }
        }
        var fileValues: [String: Value] = journaled?(book) ?? [:]
        if let paramsFile {
            do {
                fileValues.merge(try ParameterFile.load(path: paramsFile)) { _, given in given }
            } catch {
                problems.append(error.description)
            }
        }
        guard problems.isEmpty else { throw InvalidInput(description: problems.joined(separator: "\n")) }

        let binding: ParameterBinding
        do {
            binding = try ParameterBinding.bind(book, given: given, file: fileValues, fileName: paramsFile)
        } catch {
            throw InvalidInput(description: error.description)
        }
        let inventory: Inventory
        do {
            inventory = try Inventory.load(path: inventoryPath)
        } catch {
            throw InvalidInput(description: error.description)
        }
        let targets: [String: [InventoryHost]]
        do {
            targets = try TargetResolution.resolve(book, in: inventory, parameters: binding, inventoryFile: inventoryPath, limit: limit)
        } catch {
            throw InvalidInput(description: error.description)
        }
        do {
            var context = try EngineContext(runbook: book, parameters: binding, targets: targets)
            context.limit = limit
            return context
        } catch {
            // Printed after "error: ", so without a second one.
            let place = error.location.map { "\($0): " } ?? ""
            throw InvalidInput(description: "\(place)with the parameters given: \(error.message)" + (error.hint.map { "; \($0)" } ?? ""))
        }
    }
}
