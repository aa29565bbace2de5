import WardenCore

extension DaemonState {
    /// The run a rule or a schedule asks for: its runbook from the catalog and its inventory from
    /// the config as they are now, its parameters (text, as a config or an alert's labels give
    /// them) converted to the runbook's types. A runbook or inventory that left the config since,
    /// or a value that does not convert, is refused naming it and `source` ("from the alert").
    func runRequest(runbook name: String, inventory: String, params: [String: String], source: String, identity: RunIdentity,
                    planHash: String?) throws(AdmissionError) -> RunRequest {
        guard let runbook = catalog[name] else {
            throw AdmissionError(.notFound, "runbook '\(name)' is no longer in the catalog")
        }
        guard let path = configuration.inventories[inventory] else {
            throw AdmissionError(.notFound, "inventory '\(inventory)' is no longer configured")
        }
        var values: [String: Value] = [:]
        let specs = Dictionary(runbook.parameters.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for (parameter, text) in params.sorted(by: { $0.key < $1.key }) {
            guard let spec = specs[parameter] else { throw AdmissionError(.invalidInput, "runbook '\(runbook.name)' has no parameter '\(parameter)'") }
            switch spec.type.value(fromText: text) {
            case let .success(value): values[parameter] = value
            case let .failure(problem): throw AdmissionError(.invalidInput, "parameter '\(parameter)' \(source): \(problem)")
            }
        }
        return RunRequest(runbook: runbook, inventoryName: inventory, inventoryPath: path, values: values, planHash: planHash, identity: identity)
    }
}
