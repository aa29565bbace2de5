/// The delegate of a run the daemon carries: nobody watches it live (views read
/// the journal), so it counts host outcomes for the metrics and passes on what the daemon's log
/// must say (a run lost, a warning).
struct DispatchedRunDelegate: RunDelegate {
    let observer: any DispatcherObserver

    func progress(_ event: RunEvent) {
        if case let .hostFinished(_, report) = event, report.status != .skipped, report.status != .notRun {
            observer.hostCommandFinished(failure: report.status == .ok ? nil : report.failure ?? .other)
        }
    }

    func notice(_ notice: RunNotice) {
        switch notice {
        case let .runLost(reason): observer.runLost(reason: reason)
        case let .warning(text): observer.runWarning(text)
        default: break
        }
    }
}
