/// What every door of the daemon asks for: run (or plan) this runbook of the
/// catalog on this inventory with these parameters, as this identity. The API
/// makes one from a request body; schedules and alerts will make theirs.
public struct RunRequest: Sendable {
    public var runbook: Runbook
    /// The inventory's name in the config, for messages, and its file.
    public var inventoryName: String
    public var inventoryPath: String
    /// Parameter values as JSON gave them (secrets included: a body is not a command line).
    public var values: [String: Value]
    public var limit: String?
    /// The hash of the plan the caller saw and confirms; a start goes ahead only if a fresh plan has it.
    public var planHash: String?
    /// Who asks, from which controller, through which door.
    public var identity: RunIdentity
    /// The run's window: the runbook's own unless a schedule gives its occurrence's.
    public var window: WindowChoice = .runbook
    /// Approvals given ahead for this plan (a scheduled occurrence's): recorded on the run's gates,
    /// bound to the hash they were given for, before the run's first step, so its gates find them.
    public var approvalsAhead: [ApprovalAhead] = []
    /// The work item this request was queued as and claimed under (`QueuedRun`): the run's
    /// start closes it, and is refused if the claim was lost meanwhile.
    public var workClaim: WorkClaim?

    public init(runbook: Runbook, inventoryName: String, inventoryPath: String, values: [String: Value] = [:], limit: String? = nil,
                planHash: String? = nil, identity: RunIdentity) {
        self.runbook = runbook
        self.inventoryName = inventoryName
        self.inventoryPath = inventoryPath
        self.values = values
        self.limit = limit
        self.planHash = planHash
        self.identity = identity
    }
}
