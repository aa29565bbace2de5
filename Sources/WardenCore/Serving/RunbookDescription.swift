/// What a client of the API needs to start a runbook: its name and summary,
/// its typed parameters (with docs, defaults and which are secret) and its
/// targets. Secret defaults are never shown.
public struct RunbookDescription: Sendable, Codable, Hashable {
    public var name: String
    public var summary: String?
    public var file: String
    public var parameters: [Parameter]
    public var targets: [Target]
    /// Whether a step waits for an approval (so a started run may wait for people).
    public var gated: Bool
    /// Whether any step changes hosts.
    public var mutating: Bool

    public struct Parameter: Sendable, Codable, Hashable {
        public var name: String
        /// `string`, `int`, `number`, `bool`, `duration`, `list` or `enum`.
        public var type: String
        /// The words of an `enum`.
        public var values: [String]?
        public var required: Bool
        public var secret: Bool
        public var doc: String?
        public var defaultValue: Value?

        enum CodingKeys: String, CodingKey {
            case name, type, values, required, secret, doc
            case defaultValue = "default"
        }
    }

    public struct Target: Sendable, Codable, Hashable {
        public var name: String
        /// The inventory pattern, as written (it may name parameters).
        public var pattern: String
        public var exactly: Int?
        public var atLeast: Int?
        public var atMost: Int?

        enum CodingKeys: String, CodingKey {
            case name, pattern, exactly
            case atLeast = "at_least"
            case atMost = "at_most"
        }
    }

    public init(_ runbook: Runbook) {
        name = runbook.name
        summary = runbook.summary
        file = runbook.file
        parameters = runbook.parameters.map { spec in
            let type: String
            var values: [String]?
            switch spec.type {
            case let .oneOf(words):
                type = "enum"
                values = words
            default: type = spec.type.description
            }
            return Parameter(name: spec.name, type: type, values: values, required: spec.required, secret: spec.secret, doc: spec.doc,
                             defaultValue: spec.secret ? nil : spec.defaultValue)
        }
        targets = runbook.targets.filter { $0.scope == 0 }.map {
            Target(name: $0.name, pattern: $0.pattern.text, exactly: $0.exactly, atLeast: $0.atLeast, atMost: $0.atMost)
        }
        let steps = runbook.steps + runbook.finally
        gated = steps.contains { $0.isApprovalGate }
        mutating = steps.contains { $0.isMutating }
    }
}
