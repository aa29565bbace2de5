import Foundation
import Logging
import WardenCore

/// What the daemon currently serves from: the config and runbook catalog it
/// loaded last (a reload that does not validate keeps them, and says why),
/// and the token file, read again whenever it changes on disk so that
/// `warden token add` and `revoke` take effect without a reload.
public actor DaemonState {
    public private(set) var configuration: ServeConfiguration
    public private(set) var catalog: RunbookCatalog
    public private(set) var loadedAt: Date
    /// The last reload's failure, until one succeeds.
    public private(set) var reloadFailure: String?
    public private(set) var proxies: TrustedProxies
    private var tokens: TokenFile
    private var tokensChanged: timespec?
    /// Why the token file could not be read again (the last good one is used meanwhile).
    public private(set) var tokenProblem: String?
    private let environment: [String: String]

    /// Loads the config, its catalog and its token file; any problem stops the daemon before it listens.
    public init(configurationPath: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                now: Date = Date()) throws(ServeStartError) {
        let loaded: (configuration: ServeConfiguration, catalog: RunbookCatalog)
        do {
            loaded = try ServeConfiguration.load(path: configurationPath, environment: environment)
        } catch {
            throw ServeStartError(.invalidConfiguration, error.description)
        }
        let tokens: (TokenFile, timespec?)
        do {
            tokens = try DaemonState.readTokens(loaded.configuration)
        } catch {
            throw ServeStartError(.invalidConfiguration, "\(error)\nCreate it with: warden token add NAME --role ROLE --tokens \(loaded.configuration.tokens)")
        }
        self.init(loaded.configuration, catalog: loaded.catalog, tokens: tokens.0, tokensChanged: tokens.1, environment: environment, now: now)
    }

    /// For tests: a config and catalog built in code, and the tokens to accept.
    public init(_ configuration: ServeConfiguration, catalog: RunbookCatalog, tokens: TokenFile = TokenFile(), tokensChanged: timespec? = nil,
                environment: [String: String] = [:], now: Date = Date()) {
        self.configuration = configuration
        self.catalog = catalog
        self.tokens = tokens
        self.tokensChanged = tokensChanged
        self.environment = environment
        loadedAt = now
        proxies = (try? TrustedProxies(configuration.proxy?.addresses ?? [])) ?? TrustedProxies()
    }

    /// Loads the config file again; on any problem the current one stays and the problem is kept for `/status`.
    @discardableResult
    public func reload(now: Date = Date()) -> String? {
        do {
            let loaded = try ServeConfiguration.load(path: configuration.file, environment: environment)
            let proxies = try TrustedProxies(loaded.configuration.proxy?.addresses ?? [])
            let (tokens, changed) = try DaemonState.readTokens(loaded.configuration)
            configuration = loaded.configuration
            catalog = loaded.catalog
            self.proxies = proxies
            self.tokens = tokens
            tokensChanged = changed
            loadedAt = now
            reloadFailure = nil
            tokenProblem = nil
            return nil
        } catch {
            reloadFailure = "\(error)"
            return reloadFailure
        }
    }

    /// The identity a bearer token proves, reading the token file again if it changed.
    func identity(forToken token: String, at date: Date) -> Identity? {
        refreshTokens()
        return tokens.identity(forToken: token, at: date)
    }

    /// The identity of the token with this digest now (see `TokenFile.identity(forDigest:at:)`).
    func identity(forTokenDigest digest: [UInt8], at date: Date) -> Identity? {
        refreshTokens()
        return tokens.identity(forDigest: digest, at: date)
    }

    private func refreshTokens() {
        var info = stat()
        guard lstat(configuration.tokens, &info) == 0 else {
            // Gone (removed to revoke every token, or moved): no token holds until it is back, as when it breaks.
            let why = String(cString: strerror(errno))
            tokens = TokenFile()
            tokensChanged = nil
            tokenProblem = "the token file \(configuration.tokens) is gone (\(why)): every token is refused until it is back"
            return
        }
        // Tokens given in code (tests) have no file to follow; one read from a file, or a problem with it, is followed.
        guard tokensChanged != nil || tokenProblem != nil else { return }
        if let changed = tokensChanged, changed.tv_sec == info.st_mtim.tv_sec, changed.tv_nsec == info.st_mtim.tv_nsec { return }
        do {
            (tokens, tokensChanged) = try DaemonState.readTokens(configuration)
            tokenProblem = nil
        } catch {
            // A file that became unsafe or broken is not used; nor is the old one: a revocation must not be undone by breaking the file.
            tokens = TokenFile()
            tokenProblem = "\(error)"
        }
    }

    private static func readTokens(_ configuration: ServeConfiguration) throws -> (TokenFile, timespec?) {
        let tokens = try TokenFile.load(path: configuration.tokens)
        var info = stat()
        let changed = lstat(configuration.tokens, &info) == 0 ? info.st_mtim : nil
        return (tokens, changed)
    }
}
