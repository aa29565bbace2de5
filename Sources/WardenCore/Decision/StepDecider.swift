/// The one decision of a step, made alike by the planner, the runner and
/// the `--step` preview: per host, `when`, then what the step sends (the
/// command or the `collect` paths), its `undo` and its deadman's revert, all
/// rendered from the same step records and probe samples; the hosts it acts
/// on, and their batches. The planner then only holds back what mutates;
/// the runner runs exactly what was decided, and what a preview showed.
enum StepDecider {
    /// Decides `step` on its target's hosts from `steps` (the records of the
    /// steps before it) and `probes` (the samples its parts read, with
    /// `.before`; see `probesTakenAtStart`). `doneBefore`: hosts a resumed
    /// run finished it on, decided as such and not again.
    static func decide(
        _ step: Step, context: EngineContext, steps: [String: RecordSet], probes: [String: RecordSet], doneBefore: Set<String> = []
    ) -> DecidedStep {
        switch step.kind {
        case .approve, .pause, .wait, .report:
            let environment = context.environment(scope: step.scope, host: nil, steps: steps, probes: probes)
            return DecidedStep(step: step, verdict: whenVerdict(of: step, in: environment, context: context), hosts: [], probes: probes)
        case .run, .check, .collect:
            let undoLater = step.undoReadsItself(in: context)
            let hosts = context.hosts(of: step.target).map { host in
                doneBefore.contains(host.name)
                    ? DecidedHost(host: host, verdict: .doneBefore, command: nil, undo: nil, deadman: nil,
                                  actedBefore: status(of: host.name, in: steps[step.id]) != StepStatus.skipped.rawValue)
                    : decide(step, on: host, environment: context.environment(scope: step.scope, host: host, steps: steps, probes: probes),
                             undoLater: undoLater, context: context)
            }
            return DecidedStep(step: step, verdict: .acts, hosts: hosts, probes: probes)
        }
    }

    /// The probes `step` reads as they are when it starts (not only as
    /// `.before`): those its deciding and judging parts read, taken fresh by
    /// the run when the step starts; the plan has them from before any change.
    static func probesTakenAtStart(of step: Step, context: EngineContext) -> [String] {
        probesReadNow(by: step.expressionsDeciding + step.expressionsJudging, of: step, context: context)
    }

    /// The probes `step`'s `verify` reads as they are now: a resume takes
    /// them when it verifies a change whose outcome it never got.
    static func probesVerifying(_ step: Step, context: EngineContext) -> [String] {
        probesReadNow(by: step.expressionsVerifying, of: step, context: context)
    }

    /// The probes `expressions` of `step` read as they are now, each once, in the order first read.
    private static func probesReadNow(by expressions: [Expression], of step: Step, context: EngineContext) -> [String] {
        var names: [String] = []
        for expression in expressions {
            for name in context.probesReadNow(by: expression, scope: step.scope) where !names.contains(name) { names.append(name) }
        }
        return names
    }

    private static func decide(
        _ step: Step, on host: InventoryHost, environment: ExpressionEnvironment, undoLater: Bool, context: EngineContext
    ) -> DecidedHost {
        var verdict = whenVerdict(of: step, in: environment, context: context)
        // A host left out keeps what renders (the plan's JSON shows it); only a host acted on fails on what does not.
        func failing(_ what: String, _ error: LocatedError) {
            if verdict == .acts { verdict = .failed(context.redactor.redact("\(what): \(error.description)")) }
        }
        var command: RenderedCommand?
        do {
            command = try step.renderedCommand(in: environment)
        } catch {
            failing("cannot render the command", error)
        }
        var undo: RenderedCommand?
        if let template = step.undo, !undoLater {
            do {
                undo = try template.renderCommand(in: environment)
            } catch {
                failing("cannot render the undo", error)
            }
        }
        var deadman: String?
        if step.deadman != nil, let revert = step.deadmanCommand {
            // Rendered before the change, as the timer will run it: a change whose revert cannot be armed must not start.
            do {
                deadman = try revert.render(in: environment)
            } catch {
                failing("the deadman's command cannot be rendered", error)
            }
        }
        return DecidedHost(host: host, verdict: verdict, command: command, undo: undo, deadman: deadman)
    }

    /// How a step ended on a host, as its record says (`steps.<id>.hosts.<name>.status`); nil when it says nothing.
    private static func status(of host: String, in record: RecordSet?) -> String? {
        guard case let .map(entries)? = record?.value, case let .map(hosts)? = entries["hosts"], case let .map(fields)? = hosts[host],
              case let .string(status)? = fields["status"] else { return nil }
        return status
    }

    /// `when`, on one host or (host-less) once.
    private static func whenVerdict(of step: Step, in environment: ExpressionEnvironment, context: EngineContext) -> DecisionVerdict {
        guard let when = step.when else { return .acts }
        switch ConditionEvaluation.evaluate(when, in: environment) {
        case .success(true): return .acts
        case .success(false): return .skipped("when \(when.text) is false")
        case let .failure(error): return .failed(context.redactor.redact("when cannot be evaluated: \(error.description)"))
        }
    }
}
