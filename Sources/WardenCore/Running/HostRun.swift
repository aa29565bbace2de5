/// What running a step on one host of a batch came to. Named fields rather
/// than a 5-tuple: the batch loop reads each of them, and a positional
/// `String?` beside a `HostRecord?` was easy to misread.
struct HostRun: Sendable {
    let host: InventoryHost
    let report: HostReport
    /// What the host's output left for later steps' expressions; nil when the command did not run.
    let record: HostRecord?
    /// Why the journal did not take this host's intent or outcome; nil when it did. Any one stops the step after its batch.
    let journalProblem: String?
    /// The deadman armed on the host, for the run to disarm once the step is verified.
    let deadman: Deadman?
}
