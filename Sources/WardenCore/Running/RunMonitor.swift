import Foundation

/// What watches a run from the side while its steps go on: each `watch:`
/// probe taken every so often (the circuit breaker), and the end of the
/// maintenance window. When either says stop, the steps are cancelled (the
/// remote commands are killed) and cleanup runs.
struct RunMonitor: Sendable {
    let context: EngineContext
    let transport: any HostTransport
    let concurrency: Int

    /// Returns why the run must stop, or nil when cancelled first (the steps finished).
    func watch() async -> String? {
        let watches = context.runbook.watches
        let windowEnd: ContinuousClock.Instant? = context.runbook.window.flatMap { window in
            window.remaining(at: context.now()).map { ContinuousClock.now + $0 }
        }
        guard !watches.isEmpty || windowEnd != nil else {
            // Nothing to watch: wait to be cancelled.
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
            return nil
        }
        var due = watches.map { ContinuousClock.now + $0.every }
        while !Task.isCancelled {
            let next = ([windowEnd].compactMap { $0 } + due).min() ?? ContinuousClock.now + .seconds(3600)
            do {
                try await Task.sleep(until: next, clock: .continuous)
            } catch {
                return nil
            }
            if let windowEnd, ContinuousClock.now >= windowEnd, let window = context.runbook.window {
                return "the maintenance window \(window.description) closed"
            }
            for (index, watch) in watches.enumerated() where ContinuousClock.now >= due[index] {
                due[index] = ContinuousClock.now + watch.every
                if let reason = await check(watch) { return reason }
            }
        }
        return nil
    }

    /// The reason to abort when the watch's condition holds on any host.
    private func check(_ watch: WatchSpec) async -> String? {
        guard let spec = context.runbook.probe(for: watch.probe) else { return nil }
        let sample = await ProbeTaking.take(spec, label: spec.name, context: context, transport: transport, concurrency: concurrency)
        guard let records = sample.records else { return nil }
        let (status, details) = ProbeCondition.evaluate(watch.abortIf, over: records, probe: spec, scope: watch.scope,
                                                        context: context, any: true)
        guard status == .holds else { return nil }
        let why = watch.message.map { " (\($0))" } ?? ""
        return "watch at \(watch.location) fired\(why): \(watch.abortIf.text) holds; " + details.filter { $0.hasSuffix("holds") }.joined(separator: "; ")
    }
}
