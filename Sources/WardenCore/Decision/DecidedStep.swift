/// A step as decided before it starts (`StepDecider`): per host, whether it
/// acts and what it sends; the hosts it acts on in batches; and the probe
/// samples it was decided on, which also judge its output and render its
/// undo, so all of them read the hosts as the step found them.
struct DecidedStep: Sendable {
    let step: Step
    /// For a step that touches no host (`approve`, `pause`, `wait`), whether
    /// it happens: its `when`. `.acts` for a step on hosts, which `hosts` decide one by one.
    let verdict: DecisionVerdict
    /// One per host of the step's target, in target order; none for a host-less step.
    let hosts: [DecidedHost]
    /// `probes.<name>` as the step's parts read them (with `.before`).
    let probes: [String: RecordSet]

    /// The hosts the step acts on, in target order.
    var acting: [DecidedHost] {
        hosts.filter(\.acts)
    }

    /// The acting hosts in the batches `serial:` splits them into
    /// (`HostBatches`): the same in the plan and the run, since both split
    /// the hosts this decision acts on. A resumed run splits them with the
    /// hosts it acted on before the resume, then leaves those out, so it
    /// goes on in the batches its plan showed (batch size included) rather
    /// than in new ones cut from what is left.
    var batches: [[DecidedHost]] {
        let sized = hosts.filter { $0.acts || ($0.verdict == .doneBefore && $0.actedBefore) }
        return HostBatches.split(sized, serial: step.serial).map { $0.filter(\.acts) }.filter { !$0.isEmpty }
    }
}
