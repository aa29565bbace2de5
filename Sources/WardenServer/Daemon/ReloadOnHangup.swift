import Logging
import ServiceLifecycle
import UnixSignals
import WardenCore

/// SIGHUP reloads the config: a config that does not validate is refused, the
/// one in use stays, and the log and `/api/v1/status` say why.
struct ReloadOnHangup: Service {
    let state: DaemonState
    let clock: any EngineClock
    let logger: Logger

    func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        for await _ in hangups.cancelOnGracefulShutdown() {
            if let failure = await state.reload(now: clock.now) {
                logger.error("SIGHUP: the config does not validate; the one loaded before stays in use", metadata: ["problems": "\(failure)"])
            } else {
                let file = await state.configuration.file
                logger.notice("SIGHUP: config reloaded", metadata: ["config": "\(file)"])
            }
        }
    }
}
