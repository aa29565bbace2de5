import Foundation

/// Takes a rules file's probes for its `monitor:` rules, each once per
/// round (rules reading one probe share its sample), and turns what came
/// back into one point per rule. The same for `warden monitor check` and
/// for the monitors of `warden serve`.
public struct MonitorSampler: Sendable {
    public let context: EngineContext

    public init(context: EngineContext) {
        self.context = context
    }

    public func sample(transport: any HostTransport, at time: Date, concurrency: Int = 16) async -> MonitorSample {
        var samples: [String: ProbeTaking.Sample] = [:]
        var points: [String: MonitorPoint] = [:]
        var notes: [String: [String]] = [:]
        var runs: [PlanProbeRun] = []
        for rule in context.runbook.monitorRules {
            guard let spec = context.runbook.probe(for: rule.probe) else {
                points[rule.name] = MonitorPoint(time: time, breach: nil, value: nil)
                notes[rule.name] = ["the probe is not defined"]
                continue
            }
            let key = spec.sampleKey
            let sample: ProbeTaking.Sample
            if let taken = samples[key] {
                sample = taken
            } else {
                sample = await ProbeTaking.take(spec, label: spec.name.isEmpty ? rule.name : spec.name, context: context,
                                                transport: transport, concurrency: concurrency)
                samples[key] = sample
                runs += sample.runs
            }
            let (point, why) = MonitorSampler.point(for: rule, sample: sample, probe: spec, context: context, time: time)
            points[rule.name] = point
            if !why.isEmpty { notes[rule.name] = why }
        }
        return MonitorSample(time: time, points: points, notes: notes, runs: runs)
    }

    /// One rule's point from one probe sample: the breach (true on any
    /// host), the value (read on the first host), and why either is missing.
    static func point(for rule: MonitorRule, sample: ProbeTaking.Sample, probe spec: ProbeSpec, context: EngineContext,
                      time: Date) -> (MonitorPoint, [String]) {
        guard let records = sample.records else {
            return (MonitorPoint(time: time, breach: nil, value: nil), sample.failures)
        }
        var why: [String] = []
        var breach: Bool?
        if let fires = rule.fires {
            let (status, details) = ProbeCondition.evaluate(fires, over: records, probe: spec, scope: rule.scope, context: context, any: true)
            switch status {
            case .holds: breach = true
            case .fails: breach = false
            case .unknown: why += details.filter { !$0.hasSuffix(": holds") }
            }
        }
        var value: Double?
        if let expression = rule.value, let first = records.hosts.first {
            let host = context.hosts(of: spec.target).first { $0.name == first.name }
            let environment = context.environment(scope: rule.scope, host: host, output: first.record)
            do throws(LocatedError) {
                switch try expression.evaluate(in: environment) {
                case let .int(number): value = Double(number)
                case let .double(number): value = number
                case let .bool(flag): value = flag ? 1 : 0
                case .null: why.append("\(first.name): \(expression.text) is null")
                case let other: why.append("\(first.name): \(expression.text) is not a number: \(ProbeCondition.brief(other))")
                }
            } catch {
                why.append(context.redactor.redact("\(first.name): \(error.description)"))
            }
        }
        return (MonitorPoint(time: time, breach: breach, value: value), why)
    }
}
