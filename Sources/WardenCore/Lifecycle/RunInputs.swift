import Foundation

/// What a run needs before anything reaches a host, as its initiator gives it:
/// the runbook file, the inventory, parameters (`name=value` pairs, a params
/// file, and `WARDEN_PARAM_<NAME>` for secrets) and an optional `--limit`.
/// `load()` checks all of it and reports every problem at once as invalid
/// input; the CLI's `plan`, `run` and `resume` and the daemon's API all load
/// through here, so a secret given as a plain pair is refused everywhere.
public struct RunInputs: Sendable {
    public var runbook: String
    public var inventory: String
    /// `name=value` pairs. Never secrets: a command line is readable by every user of the machine.
    public var pairs: [String]
    public var paramsFile: String?
    /// Typed values, as a params file gives them (the daemon's API sends them in a request body,
    /// never on a command line, so they may hold secrets).
    public var values: [String: Value]
    public var limit: String?
    /// The run's window: the runbook's own, a scheduled occurrence's, or none (a schedule planning ahead).
    public var window: WindowChoice = .runbook
    /// Where `WARDEN_PARAM_<NAME>` values of secret parameters are read.
    public var environment: [String: String]
    /// The clock the run keeps time by (a test's clock, in engine tests).
    public var clock: any EngineClock

    public init(runbook: String, inventory: String, pairs: [String] = [], paramsFile: String? = nil, values: [String: Value] = [:],
                limit: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment, clock: any EngineClock = SystemClock()) {
        self.runbook = runbook
        self.inventory = inventory
        self.pairs = pairs
        self.paramsFile = paramsFile
        self.values = values
        self.limit = limit
        self.environment = environment
        self.clock = clock
    }

    /// The loaded runbook, bound parameters and resolved targets, and the runbook's warnings.
    public struct Loaded: Sendable {
        public let context: EngineContext
        public let warnings: [Diagnostic]
    }

    /// Loads and binds the runbook; `journaled` values (a resumed run's) come under the ones given now.
    public func load(journaled: (@Sendable (Runbook) -> [String: Value])? = nil) throws(RunSessionError) -> Loaded {
        try load(journaled: journaled, monitor: false)
    }

    /// Loads and binds a rules file with `monitor:` rules (`runbook` names
    /// it), for `warden monitor check` and the monitors of `warden serve`.
    public func loadMonitor() throws(RunSessionError) -> Loaded {
        try load(journaled: nil, monitor: true)
    }

    private func load(journaled: (@Sendable (Runbook) -> [String: Value])?, monitor: Bool) throws(RunSessionError) -> Loaded {
        let loaded = Runbook.load(path: runbook)
        guard let book = loaded.runbook else {
            // Warnings first, as they would have been printed before the errors.
            throw RunSessionError(.invalidInput, (loaded.warnings + loaded.errors).map(\.description).joined(separator: "\n"))
        }
        if monitor {
            guard book.isRules, !book.monitorRules.isEmpty else {
                throw RunSessionError(.invalidInput, "\(runbook): has no monitor rules; a monitor reads a rules file ('rules: NAME') with a 'monitor:' list")
            }
        } else if book.isRules {
            throw RunSessionError(.invalidInput, "\(runbook): a rules file ('rules: \(book.name)') has nothing to run; a runbook takes its guards and watches with 'use: [\((runbook as NSString).lastPathComponent)]'")
        }
        var given: [(name: String, text: String)] = []
        var problems: [String] = []
        for item in pairs {
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
        for spec in book.parameters where spec.secret {
            if let value = environment["WARDEN_PARAM_\(spec.name.uppercased())"] {
                given.append((spec.name, value))
            }
        }
        var fileValues: [String: Value] = journaled?(book) ?? [:]
        fileValues.merge(values) { _, given in given }
        if let paramsFile {
            do {
                fileValues.merge(try ParameterFile.load(path: paramsFile)) { _, given in given }
            } catch {
                problems.append(error.description)
            }
        }
        guard problems.isEmpty else { throw RunSessionError(.invalidInput, problems.joined(separator: "\n")) }

        let binding: ParameterBinding
        let inventory: Inventory
        let targets: [String: [InventoryHost]]
        do {
            binding = try ParameterBinding.bind(book, given: given, file: fileValues, fileName: paramsFile)
            inventory = try Inventory.load(path: self.inventory)
            targets = try TargetResolution.resolve(book, in: inventory, parameters: binding, inventoryFile: self.inventory, limit: limit)
        } catch {
            throw RunSessionError(.invalidInput, "\(error)")
        }
        do {
            var context = try EngineContext(runbook: book, parameters: binding, targets: targets, clock: clock)
            context.limit = limit
            context.inventory = self.inventory
            context.choose(window, cleanupReserve: nil)
            // The OpenSSH config's ignored options are said with the runbook's warnings, on every load.
            return Loaded(context: context, warnings: loaded.warnings + inventory.warnings.map { Diagnostic(.warning, LocatedError($0)) })
        } catch {
            let place = error.location.map { "\($0): " } ?? ""
            throw RunSessionError(.invalidInput, "\(place)with the parameters given: \(error.message)" + (error.hint.map { "; \($0)" } ?? ""))
        }
    }
}
