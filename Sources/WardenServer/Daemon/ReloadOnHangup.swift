import Logging
import ServiceLifecycle
import UnixSignals
import WardenCore

/// SIGHUP reloads the config: a config that does not validate is refused, the
/// one in use stays, and the log and `/api/v1/status` say why.
///
/// `hangups` is trapped by the daemon before anything else, not when this
/// service starts: the services of a group start concurrently, so the HTTP
/// server could answer before this one ran, and a SIGHUP in between (a
/// `systemctl reload` right after a start) met the default action and killed
/// the daemon. Trapped early, it waits in the sequence until this service reads it.
struct ReloadOnHangup: Service {
    let hangups: UnixSignalsSequence
    let services: ServeServices
    let logger: Logger

    func run() async throws {
        for await _ in hangups.cancelOnGracefulShutdown() {
            if let failure = await services.reload() {
                logger.error("SIGHUP: the config does not validate; the one loaded before stays in use", metadata: ["problems": "\(failure)"])
            } else {
                let file = await services.state.configuration.file
                logger.notice("SIGHUP: config reloaded", metadata: ["config": "\(file)"])
            }
        }
    }
}
