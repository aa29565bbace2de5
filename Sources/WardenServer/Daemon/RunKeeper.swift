import Logging
import ServiceLifecycle
import WardenCore

/// The service that looks after the daemon's runs: at start, and then every few seconds (the
/// reaper), it adopts the runs its previous life left running and those whose controller
/// stopped renewing its lease (resumed at once when the journal and `verify:` can settle them;
/// listed for an operator when only a person can say), and at a graceful shutdown it stops new runs, gives running ones the
/// grace period and then cancels them so their cleanup runs, before the HTTP
/// server goes (it is the last service, so the first to stop).
struct RunKeeper: Service {
    let services: ServeServices
    let logger: Logger

    func run() async throws {
        let controller = await services.dispatcher.settings.controller
        let listen = await services.state.configuration.listen.description
        do {
            try await services.journal.heartbeat(controller: controller, listen: listen, starting: true, at: services.clock.now)
        } catch {
            logger.error("cannot register this controller in the journal; tried again with every heartbeat", metadata: ["error": "\(error)"])
        }
        await adopt()
        // After the adoptions: the runs of open incidents are then carried again, and followed to their end.
        await services.alerts.start()
        // After the adoptions too: a scheduled run adopted here is the one its occurrence started.
        await services.schedules.start()
        // After incident automation: what the monitors find firing goes to it.
        await services.monitors.start()
        // And the queue: runs requested through the API, here or at another controller sharing the journal.
        await services.queue.start()
        // The reaper: runs whose controller (this daemon's previous life, or another daemon sharing
        // the journal) stopped renewing its lease are adopted here, unless another daemon is quicker.
        let reaper = Task {
            let settings = await services.dispatcher.settings
            let interval = min(settings.runLease / 3, .seconds(5))
            while !Task.isCancelled {
                do { try await settings.clock.sleep(for: interval) } catch { return }
                _ = try? await services.journal.heartbeat(controller: controller, listen: listen, at: settings.clock.now)
                await adopt()
            }
        }
        try? await gracefulShutdown()
        reaper.cancel()
        await services.queue.stop()
        await services.monitors.stop()
        await services.schedules.stop()
        let grace = await services.state.configuration.gracePeriod
        let active = await services.dispatcher.activeRuns.count
        if active > 0 {
            logger.notice("stopping: no new runs; waiting for the running ones", metadata: ["runs": "\(active)", "grace": "\(DurationText.format(grace))"])
        }
        await services.dispatcher.drain(grace: grace)
        try? await services.journal.stopped(controller: controller, at: services.clock.now)
        logger.notice("every run of this daemon has ended")
    }

    private func adopt() async {
        let controller = await services.dispatcher.settings.controller
        let adoptions = await services.dispatcher.adoptOrphans(identity: RunIdentity(user: services.journal.actor, controller: controller, trigger: .api))
        await services.adoptions.record(adoptions)
        for adoption in adoptions {
            switch adoption {
            case .resumed: services.metrics.runAdopted("resumed")
            case .waiting: services.metrics.runAdopted("waiting")
            }
            switch adoption {
            case let .resumed(run): logger.notice("adopted a run whose controller is gone or stopped renewing its lease; it goes on", metadata: ["run": "\(run)"])
            case let .waiting(run, reason):
                logger.warning("an adopted run waits for an operator (POST /api/v1/runs/\(run)/resume or warden resume)",
                               metadata: ["run": "\(run)", "why": "\(VisibleText.line(reason))"])
            }
        }
    }
}
