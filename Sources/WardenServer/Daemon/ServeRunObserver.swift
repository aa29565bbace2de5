import Logging
import WardenCore

/// What the daemon's dispatcher reports about its runs: counted in the metrics, and a run lost
/// to another controller also logged, since that is a controller that froze, lost the network
/// or was paused past its lease, and an operator should look at why.
struct ServeRunObserver: DispatcherObserver {
    let metrics: WardenMetrics
    let logger: Logger

    func runStarted(runbook: String, trigger: RunTrigger) { metrics.runStarted(runbook: runbook, trigger: trigger) }
    func runFinished(runbook: String, status: RunStatus, seconds: Double) { metrics.runFinished(runbook: runbook, status: status, seconds: seconds) }
    func activeRunsChanged(to count: Int) { metrics.activeRunsChanged(to: count) }
    func hostCommandFinished(failure: HostFailureKind?) { metrics.hostCommandFinished(failure: failure) }

    func runWarning(_ text: String) {
        logger.warning("a run's trouble", metadata: ["what": "\(VisibleText.line(text))"])
    }

    func runLost(reason: String) {
        metrics.runLost()
        logger.error("lost a run to another controller: this controller stopped it and sent nothing more to its hosts",
                     metadata: ["why": "\(VisibleText.line(reason))"])
    }
}
