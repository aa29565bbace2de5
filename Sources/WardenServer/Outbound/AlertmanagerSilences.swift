import Foundation
import WardenCore

/// Alertmanager's silences, through its API v2: make one (`create`), end one (`expire`), and
/// read one back (`silence`). What Warden uses to keep an alert quiet while a runbook fixes
/// its cause, and to lift that silence when the run ends.
///
/// `baseURL` is the Alertmanager's own (`http://127.0.0.1:9093`), with its path prefix when it
/// runs behind one (`--web.route-prefix`, `https://ops.example/alertmanager`). `token`, when
/// set, goes as `Authorization: Bearer` (for an Alertmanager behind an authenticating proxy)
/// and never into a message.
///
/// ```swift
/// let silences = try AlertmanagerSilences(baseURL: "http://127.0.0.1:9093")
/// let id = try await silences.create(matchers: [AlertmanagerMatcher(name: "alertname", value: "DiskFull")],
///                                    startsAt: Date(), endsAt: Date() + 3600, createdBy: "warden", comment: "run r-42")
/// try await silences.expire(id: id)
/// ```
public struct AlertmanagerSilences: Sendable {
    /// The base URL as configured, without a trailing slash: what messages name.
    public let baseURL: String
    private let token: String?
    private let client: OutboundHTTPClient
    private let deadline: Duration

    public init(baseURL: String, token: String? = nil, client: OutboundHTTPClient = OutboundHTTPClient(),
                deadline: Duration = .seconds(10)) throws(AlertmanagerError) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        do {
            let target = try OutboundTarget(url: base, method: "GET")
            guard !target.requestTarget.contains("?") else {
                throw OutboundError(.invalidURL, "the base URL has a query")
            }
        } catch {
            throw AlertmanagerError(.invalidConfiguration, "Alertmanager URL \(OutboundTarget.redacted(baseURL)): \(error); write it as http://host:9093, with its path prefix if it has one")
        }
        self.baseURL = base
        self.token = token
        self.client = client
        self.deadline = deadline
    }

    /// Makes a silence of `matchers` from `startsAt` to `endsAt`: its ID.
    public func create(matchers: [AlertmanagerMatcher], startsAt: Date, endsAt: Date, createdBy: String,
                       comment: String) async throws(AlertmanagerError) -> String {
        let doing = "creating a silence (\(matchers.map(\.description).joined(separator: ", ")))"
        guard !matchers.isEmpty else {
            throw AlertmanagerError(.rejected, "Alertmanager at \(baseURL): \(doing): a silence needs at least one matcher; none given")
        }
        let body = AlertmanagerPostableSilence(matchers: matchers, startsAt: AlertTimestamp(startsAt).description,
                                   endsAt: AlertTimestamp(endsAt).description, createdBy: createdBy, comment: comment)
        let response = try await send("POST", "/api/v2/silences", body: body, doing: doing)
        guard response.isSuccess else { throw refusal(response, doing: doing) }
        guard let created = try? JSONDecoder().decode(AlertmanagerCreatedSilence.self, from: Data(response.body)), !created.silenceID.isEmpty else {
            throw AlertmanagerError(.failed, "Alertmanager at \(baseURL): \(doing): the answer has no silenceID (\(response.excerpt)); is this URL an Alertmanager's?")
        }
        return created.silenceID
    }

    /// Ends the silence `id` now. One that is already expired, or that Alertmanager no longer
    /// knows (expired past its retention, or another Alertmanager's state), counts as done.
    public func expire(id: String) async throws(AlertmanagerError) {
        let doing = "expiring silence \(id)"
        let response = try await send("DELETE", "/api/v2/silence/\(Self.pathSegment(id))", doing: doing)
        if response.isSuccess || response.status == 404 { return }
        // 0.25 answers 500 "silence not found" to an ID it does not know (200 to a second
        // DELETE of one it does): ask what it is now, and only a silence still in force fails.
        let current: AlertmanagerSilence?
        do {
            current = try await silence(id: id)
        } catch {
            throw refusal(response, doing: doing)
        }
        guard current == nil || current?.state == .expired else { throw refusal(response, doing: doing) }
    }

    /// The silence `id` as Alertmanager knows it now; nil when it does not know it.
    public func silence(id: String) async throws(AlertmanagerError) -> AlertmanagerSilence? {
        let doing = "reading silence \(id)"
        let response = try await send("GET", "/api/v2/silence/\(Self.pathSegment(id))", doing: doing)
        if response.status == 404 { return nil }
        guard response.isSuccess else { throw refusal(response, doing: doing) }
        guard let read = try? JSONDecoder().decode(AlertmanagerGettableSilence.self, from: Data(response.body)),
              let state = AlertmanagerSilence.State(rawValue: read.status.state),
              let startsAt = AlertTimestamp.parse(read.startsAt), let endsAt = AlertTimestamp.parse(read.endsAt) else {
            throw AlertmanagerError(.failed, "Alertmanager at \(baseURL): \(doing): the answer is not a silence as API v2 writes one (\(response.excerpt)); is this URL an Alertmanager's (0.22 or later)?")
        }
        return AlertmanagerSilence(id: read.id, state: state, matchers: read.matchers, startsAt: startsAt.date, endsAt: endsAt.date,
                                   createdBy: read.createdBy, comment: read.comment ?? "")
    }

    /// Fingerprints of the alerts Alertmanager holds as firing (not resolved) that match every
    /// one of `matchers`, silenced and inhibited ones included (`GET /api/v2/alerts`). An alert
    /// that resolved is not among them, even before Alertmanager has notified anyone of it.
    public func firingAlerts(matching matchers: [AlertmanagerMatcher]) async throws(AlertmanagerError) -> Set<String> {
        let doing = "listing alerts (\(matchers.map(\.description).joined(separator: ", ")))"
        let filters = matchers.map { "&filter=" + Self.queryValue(Self.filter($0)) }.joined()
        let response = try await send("GET", "/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true" + filters, doing: doing)
        guard response.isSuccess else { throw refusal(response, doing: doing) }
        guard let listed = try? JSONDecoder().decode([ListedAlert].self, from: Data(response.body)) else {
            throw AlertmanagerError(.failed, "Alertmanager at \(baseURL): \(doing): the answer is not a list of alerts as API v2 writes one (\(response.excerpt)); is this URL an Alertmanager's?")
        }
        return Set(listed.map(\.fingerprint))
    }

    /// What `firingAlerts` reads of each listed alert.
    private struct ListedAlert: Decodable {
        let fingerprint: String
    }

    /// A matcher as Alertmanager's `filter` parameter parses one: `name="value"`, with `\`,
    /// `"` and newlines in the value escaped.
    static func filter(_ matcher: AlertmanagerMatcher) -> String {
        let op = matcher.isRegex ? (matcher.isEqual ? "=~" : "!~") : (matcher.isEqual ? "=" : "!=")
        let value = matcher.value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
        return "\(matcher.name)\(op)\"\(value)\""
    }

    static func queryValue(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }

    private func send(_ method: String, _ path: String, body: AlertmanagerPostableSilence? = nil, doing: String) async throws(AlertmanagerError) -> OutboundResponse {
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        do {
            var request = OutboundRequest(method: method, url: baseURL + path, headers: headers, deadline: deadline)
            if let body {
                request = try OutboundRequest.json(method, url: baseURL + path, body: body, headers: headers, deadline: deadline)
            }
            return try await client.send(request)
        } catch {
            let advice = switch error.kind {
            case .cannotConnect, .timedOut: "is Alertmanager running and reachable from this host at that URL?"
            case .tls: "check its certificate, or the CA file configured for it"
            default: "check that the URL is an Alertmanager's"
            }
            throw AlertmanagerError(.unreachable, "Alertmanager at \(baseURL): \(doing): \(error); \(advice)")
        }
    }

    /// A non-2xx answer as an error: Alertmanager's own words (its body), and what to do.
    private func refusal(_ response: OutboundResponse, doing: String) -> AlertmanagerError {
        let said = "Alertmanager at \(baseURL): \(doing): it answered \(response.status): \(response.excerpt)"
        switch response.status {
        case 401, 403:
            return AlertmanagerError(.rejected, "\(said); the token configured for it is missing or not accepted")
        case 400..<500:
            return AlertmanagerError(.rejected, "\(said); the request was refused as it is, so sending it again will not help")
        default:
            return AlertmanagerError(.failed, "\(said); check Alertmanager's log")
        }
    }

    static func pathSegment(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? id
    }
}
