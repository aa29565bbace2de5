import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import UnixSignals
import WardenCore
import WardenPostgres

/// `warden serve`: loads the config (refusing to start on any problem),
/// opens the journal, adopts the runs a previous daemon left, and serves the
/// API until SIGTERM or SIGINT, which stop it gracefully: no new runs, a grace
/// period for running ones, then their cancellation and cleanup.
public enum ServeDaemon {
    /// Everything checked before the daemon listens (`--check-config` stops here): the config, its
    /// inventories and runbooks, the token file, and the site policy's demands on the config.
    public static func preflight(configurationPath: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        async throws(ServeStartError) -> (DaemonState, ApprovalPolicy) {
        let state = try DaemonState(configurationPath: configurationPath, environment: environment)
        let configuration = await state.configuration
        let policy: ApprovalPolicy
        do {
            policy = try ApprovalPolicy.site(environment: environment)
        } catch {
            throw ServeStartError(.invalidConfiguration, error.description)
        }
        if policy.requireCheckpoints, configuration.signingKey == nil {
            throw ServeStartError(.invalidConfiguration, """
                the site policy (\(policy.file ?? "built in")) requires every run to sign checkpoints of the audit log: name the daemon's \
                SSH key in \(configuration.file) (signing_key:), one listed for \(OperatingSystemUser.name) in \
                \(policy.checkpointAllowedSigners ?? "the allowed signers")
                """)
        }
        if configuration.journal != nil {
            do {
                _ = try journalLocation(configuration)
                _ = try PostgresPassword.resolve(file: configuration.journalPasswordFile, environment: environment)
            } catch {
                throw ServeStartError(.invalidConfiguration, "state: \(error.description)")
            }
        }
        return (state, policy)
    }

    /// The journal the config names: its database, else its state folder's.
    static func journalLocation(_ configuration: ServeConfiguration) throws(JournalError) -> JournalLocation {
        if let url = configuration.journal { return try JournalLocation(url) }
        return .folder(configuration.state)
    }

    public static func run(configurationPath: String, logger: Logger, environment: [String: String] = ProcessInfo.processInfo.environment,
                           makeTransport: @escaping @Sendable () -> any HostTransport) async throws {
        // Before anything else: a SIGHUP from now on is a reload, never the default action (exit).
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        let (state, policy) = try await preflight(configurationPath: configurationPath, environment: environment)
        let configuration = await state.configuration
        let store: any JournalStore
        do {
            store = try await journalLocation(configuration).open(folder: configuration.state, passwordFile: configuration.journalPasswordFile,
                                                                   environment: environment).store
        } catch {
            throw ServeStartError(.cannotStart, "\(error)")
        }
        let services = await ServeServices.make(state: state, store: store, policy: policy, logger: logger, makeTransport: makeTransport)
        let router = ServeRouter.make(services)
        // Slow or silent clients are dropped after a minute; streams say something every 15 s, so they stay.
        let http = HTTPServerBuilder.http1(configuration: .init(idleTimeout: .seconds(60)))
        let server: HTTPServerBuilder
        if let tls = configuration.tls {
            do {
                let certificates = try NIOSSLCertificate.fromPEMFile(tls.certificate).map { NIOSSLCertificateSource.certificate($0) }
                let key = try NIOSSLPrivateKey(file: tls.key, format: .pem)
                server = try HTTPServerBuilder.tls(http, tlsConfiguration: TLSConfiguration.makeServerConfiguration(certificateChain: certificates, privateKey: NIOSSLPrivateKeySource.privateKey(key)))
            } catch {
                throw ServeStartError(.invalidConfiguration, "tls: the certificate \(tls.certificate) or key \(tls.key) cannot be used: \(error)")
            }
        } else {
            server = http
        }
        let listen = configuration.listen
        let listening = ListeningFlag()
        let app = Application(router: router, server: server,
                              configuration: .init(address: .hostname(listen.host, port: listen.port), serverName: "warden"),
                              onServerRunning: { _ in
                                  listening.set()
                                  logger.notice("listening", metadata: ["address": "\(listen)", "tls": "\(configuration.tls != nil)",
                                                                       "config": "\(configuration.file)", "state": "\(configuration.state)",
                                                                       "journal": "\(store.location)"])
                              },
                              logger: logger)
        var group = ServiceGroupConfiguration(
            services: [
                .init(service: app),
                .init(service: ReloadOnHangup(hangups: hangups, services: services, logger: logger), successTerminationBehavior: .ignore),
                // Last: the first to stop on SIGTERM, while the server still answers.
                .init(service: RunKeeper(services: services, logger: logger), successTerminationBehavior: .gracefullyShutdownGroup),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        group.maximumGracefulShutdownDuration = configuration.gracePeriod + .seconds(60)
        do {
            try await ServiceGroup(configuration: group).run()
        } catch where !listening.isSet {
            // The server never listened: the address is taken or not this machine's (exit 1, not 2).
            throw ServeStartError(.cannotStart, "cannot listen on \(listen): \(error)")
        }
    }
}

/// Set once the HTTP server listens: a failure before that is a failure to start.
private final class ListeningFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool { lock.withLock { value } }

    func set() {
        lock.withLock { value = true }
    }
}
