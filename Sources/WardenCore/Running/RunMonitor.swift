import Foundation

/// What watches a run from the side while its steps go on: each `watch:`
/// probe taken every so often (the circuit breaker), and the end of the
/// maintenance window. When either says stop, the steps are cancelled (the
/// remote commands are killed) and cleanup runs.
struct RunMonitor: Sendable {
    let context: EngineContext
    let transport: any HostTransport
    let concurrency: Int

    /// Why a run must stop, and whether its changes are to be rolled back:
    /// a watch breach means the changes may be what hurts the cluster; the
    /// window's end only means time is up.
    struct Stop: Sendable {
        let reason: String
        let rollsBack: Bool
    }

    /// Returns why the run must stop, or nil when cancelled first (the steps finished).
    func watch() async -> Stop? {
        let watches = context.runbook.watches
        let clock = context.clock
        let windowEnd: ContinuousClock.Instant? = context.window.flatMap { window in
            window.workRemaining(at: clock.now).map { clock.instant + $0 }
        }
        guard !watches.isEmpty || windowEnd != nil else {
            // Nothing to watch: wait to be cancelled, with no timer on the clock (a test
            // clock counts its sleepers, and this is none that time would wake).
            let (idle, keepOpen) = AsyncStream<Never>.makeStream()
            for await _ in idle {}
            keepOpen.finish()
            return nil
        }
        var due = watches.map { clock.instant + $0.every }
        var histories = watches.map { SampleHistory(rule: $0.samples) }
        while !Task.isCancelled {
            let next = ([windowEnd].compactMap { $0 } + due).min() ?? clock.instant + .seconds(3600)
            do {
                try await clock.sleep(until: next)
            } catch {
                return nil
            }
            if let windowEnd, clock.instant >= windowEnd, let window = context.window {
                return Stop(reason: "the maintenance window \(window.description) closes in \(DurationText.format(window.cleanupReserve)), the time kept for cleanup",
                            rollsBack: false)
            }
            for (index, watch) in watches.enumerated() where clock.instant >= due[index] {
                due[index] = clock.instant + watch.every
                if let reason = await check(watch, history: &histories[index]) { return Stop(reason: reason, rollsBack: true) }
            }
        }
        return nil
    }

    /// The reason to abort when the watch's rules are met by this sample and
    /// the ones before it. A sample that cannot be taken counts as no breach.
    private func check(_ watch: WatchSpec, history: inout SampleHistory) async -> String? {
        guard let spec = context.runbook.probe(for: watch.probe) else { return nil }
        let sample = await ProbeTaking.take(spec, label: spec.name, context: context, transport: transport, concurrency: concurrency)
        let why = watch.message.map { " (\($0))" } ?? ""
        guard let records = sample.records else {
            _ = history.record(breach: false)
            return nil
        }
        if let abortIf = watch.abortIf {
            let (status, details) = ProbeCondition.evaluate(abortIf, over: records, probe: spec, scope: watch.scope, context: context, any: true)
            if history.record(breach: status == .holds) {
                let held = watch.samples == .each ? "holds" : "held in \(history.breachCount) of the last \(history.sampleCount) samples"
                return "watch at \(watch.location) fired\(why): \(abortIf.text) \(held); " + details.filter { $0.hasSuffix("holds") }.joined(separator: "; ")
            }
        }
        if let rule = watch.decreased {
            let now = context.clock.instant
            for (name, record) in records.hosts {
                let host = context.hosts(of: spec.target).first { $0.name == name }
                let environment = context.environment(scope: watch.scope, host: host, output: record)
                let value = try? rule.value.evaluate(in: environment)
                let number: Double
                switch value {
                case let .int(whole)?: number = Double(whole)
                case let .double(fraction)?: number = fraction
                default: continue
                }
                let falls = history.record(value: number, host: name, at: now, within: rule.within)
                if falls >= rule.times {
                    return "watch at \(watch.location) fired\(why): \(rule.value.text) went down \(falls) times within \(DurationText.format(rule.within)) on \(name) (now \(number))"
                }
            }
        }
        return nil
    }
}
