/// What a run's lifecycle tells whoever started it, apart from step progress
/// (`RunEvent`): the CLI prints these on standard error, the daemon streams
/// them. Every text in them that came from a runbook, a host or the journal is
/// raw: the renderer makes it visible (`VisibleText`).
public enum RunNotice: Sendable {
    /// The run is in the journal (`status` set when it ended before its first step).
    case journaled(runID: String, path: String, status: RunStatus?)
    /// A gate waits for approvals under `terms` (the runbook's, tightened by the site's policy).
    case waitingForApproval(runID: String, step: String, terms: ApprovalTerms, planHash: String, message: String?)
    /// One more person's approval counted; `count` of `quorum` so far.
    case approvalCounted(by: String, count: Int, quorum: Int)
    /// The gate passed.
    case approved(by: [String])
    /// A recorded decision that does not count (unsigned where signatures are required, or forged), and why.
    case approvalIgnored(reason: String)
    /// The run lost a lock it held (its lease lapsed, someone broke it); it stops, cleanup runs.
    case lockLost(reason: String)
    /// Another controller adopted the run after this one's lease lapsed: this one stopped
    /// sending and writing anything for it.
    case runLost(reason: String)
    /// A person asked through the journal that the run stop (`by` says who and why): it stops
    /// as a cancelled run does, cleanup included.
    case stopRequested(by: String)
    /// On resume: a command the dead controller started, still running on its host, and what became of it.
    case leftover(String)
    /// On resume: what a change's `verify` found on its host.
    case verification(String)
    /// Something went wrong that does not change how the run ends (a lock host that could
    /// not be reached to renew or release, an end that could not be signed).
    case warning(String)
}
