import ArgumentParser
import Foundation
import WardenCore

/// The arguments `plan` and `run` take for what to run where: the runbook,
/// its parameters, the inventory and a limit.
struct RunbookInputs: ParsableArguments {
    @Argument(help: "The runbook file.")
    var runbook: String

    @OptionGroup var inventoryOptions: InventoryOptions

    @OptionGroup var parameters: ParameterOptions

    @Option(help: ArgumentHelp("Only these of the runbook's hosts (an inventory pattern); never adds one.", valueName: "PATTERN"))
    var limit: String?

    /// The loaded runbook, bound parameters and resolved targets (`RunInputs` in WardenCore
    /// checks them); the runbook's warnings are printed.
    func load() throws -> EngineContext {
        let loaded = try RunInputs(runbook: runbook, inventory: inventoryOptions.inventory, pairs: parameters.pairs, paramsFile: parameters.file,
                                   limit: limit).load()
        for warning in loaded.warnings {
            Terminal.writeError(VisibleText.line(warning.description) + "\n")
        }
        return loaded.context
    }
}
