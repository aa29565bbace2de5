/// What the person resuming a run asks for (`warden resume`, or the daemon's API).
public struct ResumeRequest: Sendable {
    /// How to treat a change whose intent was journaled but whose outcome was not, when no
    /// `verify` can settle it: only the person resuming can say.
    public enum Assumption: String, Sendable, CaseIterable {
        /// It took effect: do not run it again.
        case done
        /// It did not: run it again.
        case notDone = "not-done"
    }

    public var runID: String
    public var inventory: String
    /// `name=value` overrides of journaled parameters; refused for a run with an approval gate.
    public var pairs: [String]
    /// Secrets (and other values) from a params file; secrets are never journaled.
    public var paramsFile: String?
    /// The run's `--limit`; nil: the journaled one. Another is refused for a gated run.
    public var limit: String?
    public var assume: Assumption?
    /// Give the run up: run only its pending cleanup, and end it `abandoned`.
    public var abandon: Bool
    public var leftovers: LeftoverPolicy

    public init(runID: String, inventory: String, pairs: [String] = [], paramsFile: String? = nil, limit: String? = nil,
                assume: Assumption? = nil, abandon: Bool = false, leftovers: LeftoverPolicy = .wait) {
        self.runID = runID
        self.inventory = inventory
        self.pairs = pairs
        self.paramsFile = paramsFile
        self.limit = limit
        self.assume = assume
        self.abandon = abandon
        self.leftovers = leftovers
    }
}
