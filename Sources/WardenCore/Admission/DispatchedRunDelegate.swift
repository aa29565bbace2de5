/// The delegate of a run the daemon carries: nobody watches it live (views read
/// the journal), so it only counts host outcomes for the metrics.
struct DispatchedRunDelegate: RunDelegate {
    let observer: any DispatcherObserver

    func progress(_ event: RunEvent) {
        if case let .hostFinished(_, report) = event, report.status != .skipped, report.status != .notRun {
            observer.hostCommandFinished(failure: report.status == .ok ? nil : report.failure ?? .other)
        }
    }

    func notice(_ notice: RunNotice) {
        if case let .runLost(reason) = notice { observer.runLost(reason: reason) }
    }
}
