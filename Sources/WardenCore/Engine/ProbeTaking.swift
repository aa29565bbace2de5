/// Runs a probe's read-only command on every host of its target, parses the
/// output, and says per host what happened: shared by the plan (which takes
/// each probe once) and the run (which takes it fresh each time it is needed).
enum ProbeTaking {
    /// One probe taken: the records when every host gave usable data, the
    /// reasons when some did not, and what ran where (redacted).
    struct Sample: Sendable {
        public var records: RecordSet?
        public var failures: [String]
        public var runs: [PlanProbeRun]
    }

    public static func take(
        _ spec: ProbeSpec, label: String, context: EngineContext, transport: any HostTransport, concurrency: Int
    ) async -> Sample {
        let hosts = context.hosts(of: spec.target)
        let outcomes = await ConcurrentMap.map(hosts, limit: concurrency) { host -> (String, CommandAttempt.Outcome?, String) in
            let environment = context.environment(scope: spec.scope, host: host)
            let command: RenderedCommand
            do throws(LocatedError) {
                command = try spec.command.renderCommand(in: environment)
            } catch {
                return (host.name, nil, "\(host.name): cannot render the probe's command: \(error.description)")
            }
            return (host.name, await CommandAttempt.run(command, on: host, timeout: spec.timeout, parser: spec.parser, transport: transport),
                    command.line)
        }
        var records: [(name: String, record: HostRecord)] = []
        var failures: [String] = []
        var runs: [PlanProbeRun] = []
        for (host, outcome, line) in outcomes {
            var run = PlanProbeRun(probe: label, host: host, command: outcome == nil ? "" : context.redactor.redact(line), exit: nil, error: nil)
            switch outcome {
            case nil:
                failures.append(line)
                run.error = context.redactor.redact(line)
            case let .unreachable(message, _)?:
                failures.append(message)
                run.error = context.redactor.redact(message)
            case let .ran(record, parseError)?:
                run.exit = record.exit
                if let parseError {
                    failures.append(parseError)
                    run.error = context.redactor.redact(parseError)
                } else {
                    records.append((host, record))
                }
            }
            runs.append(run)
        }
        return Sample(records: failures.isEmpty ? RecordSet(hosts: records, status: "ok") : nil,
                      failures: failures.map(context.redactor.redact), runs: runs)
    }
}
