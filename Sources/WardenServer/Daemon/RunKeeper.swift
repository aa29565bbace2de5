import Logging
import ServiceLifecycle
import WardenCore

/// The service that looks after the daemon's runs: at start it adopts the
/// runs its previous life left running (resumed at once when the journal and
/// `verify:` can settle them; listed for an operator when only a person can
/// say), and at a graceful shutdown it stops new runs, gives running ones the
/// grace period and then cancels them so their cleanup runs, before the HTTP
/// server goes (it is the last service, so the first to stop).
struct RunKeeper: Service {
    let services: ServeServices
    let logger: Logger

    func run() async throws {
        let adoptions = await services.dispatcher.adoptOrphans(identity: RunIdentity(user: services.journal.actor,
                                                                                    controller: await services.dispatcher.settings.controller,
                                                                                    trigger: .api))
        await services.adoptions.record(adoptions)
        for adoption in adoptions {
            switch adoption {
            case let .resumed(run): logger.notice("adopted a run left by a previous daemon; it goes on", metadata: ["run": "\(run)"])
            case let .waiting(run, reason):
                logger.warning("a run left by a previous daemon waits for an operator (POST /api/v1/runs/\(run)/resume or warden resume)",
                               metadata: ["run": "\(run)", "why": "\(VisibleText.line(reason))"])
            }
        }
        // After the adoptions: the runs of open incidents are then carried again, and followed to their end.
        await services.alerts.start()
        // After the adoptions too: a scheduled run adopted here is the one its occurrence started.
        await services.schedules.start()
        try? await gracefulShutdown()
        await services.schedules.stop()
        let grace = await services.state.configuration.gracePeriod
        let active = await services.dispatcher.activeRuns.count
        if active > 0 {
            logger.notice("stopping: no new runs; waiting for the running ones", metadata: ["runs": "\(active)", "grace": "\(DurationText.format(grace))"])
        }
        await services.dispatcher.drain(grace: grace)
        logger.notice("every run of this daemon has ended")
    }
}
