/// What the step decision says of a host (or of a step that touches no
/// host): the plan, the run and the `--step` preview each word it their own
/// way, but never decide it differently.
enum DecisionVerdict: Sendable, Equatable {
    /// The step acts on it: its command runs, its paths are fetched, or
    /// (host-less) the gate, pause or wait happens.
    case acts
    /// Left out, and why (`when ... is false`).
    case skipped(String)
    /// Cannot be decided, and why (redacted): `when` or a command cannot be
    /// evaluated. The step fails before it touches any host.
    case failed(String)
    /// A resumed run's host the step finished on before the controller died.
    case doneBefore
}
