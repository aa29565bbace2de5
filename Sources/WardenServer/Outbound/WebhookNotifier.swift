/// Posts `WebhookNotification`s as JSON to one configured URL (a chat bridge, an on-call
/// tool), with `Authorization: Bearer TOKEN` when a token is configured.
///
/// A refused connection or a 5xx is tried again, up to `maximumAttempts` in all, waiting
/// `retryBackoff` and then twice as long before each next try (2 s, 4 s, 8 s): a receiver that
/// restarts should not lose the one message asking for an approval. Nothing else is retried:
/// a 4xx will be refused again, and a timed-out request may already have been shown to
/// people. The result says which, for the caller to record; messages name the receiver's
/// `host:port` only, since a webhook URL's path is often its secret.
///
/// ```swift
/// let notifier = try WebhookNotifier(url: "https://chat.example/hooks/warden", token: token)
/// let result = await notifier.notify(WebhookNotification(event: .escalated, summary: "…", rule: "disk-full", incident: "i-7"))
/// ```
public struct WebhookNotifier: Sendable {
    private let url: String
    private let token: String?
    private let client: OutboundHTTPClient
    private let deadline: Duration
    private let retryBackoff: Duration
    /// `host:port` of the receiver: what results and messages name.
    public let endpoint: String

    /// Fails (`invalidURL`) when `url` cannot be used.
    public init(url: String, token: String? = nil, client: OutboundHTTPClient = OutboundHTTPClient(), deadline: Duration = .seconds(10),
                retryBackoff: Duration = .seconds(2)) throws(OutboundError) {
        endpoint = try OutboundTarget(url: url, method: "POST").endpoint
        self.url = url
        self.token = token
        self.client = client
        self.deadline = deadline
        self.retryBackoff = retryBackoff
    }

    /// Tries in all for a receiver that refuses connections or answers 5xx.
    public static let maximumAttempts = 4

    /// Delivers `notification`: tried at most `maximumAttempts` times, never throws.
    public func notify(_ notification: WebhookNotification) async -> WebhookDeliveryResult {
        var headers: [(name: String, value: String)] = []
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        let request: OutboundRequest
        do {
            request = try OutboundRequest.json("POST", url: url, body: notification, headers: headers, deadline: deadline)
        } catch {
            return .failed(reason: error.description, attempts: 0)
        }
        var attempt = 1
        var backoff = retryBackoff
        while true {
            let (result, retryable) = await deliver(request, attempt: attempt)
            guard retryable, attempt < Self.maximumAttempts else { return result }
            do {
                try await Task.sleep(for: backoff)
            } catch {
                return result
            }
            attempt += 1
            backoff *= 2
        }
    }

    /// One try: its result and whether another may help.
    private func deliver(_ request: OutboundRequest, attempt: Int) async -> (WebhookDeliveryResult, retryable: Bool) {
        do {
            let response = try await client.send(request)
            if response.isSuccess { return (.delivered(status: response.status, attempts: attempt), false) }
            let reason = "the webhook receiver at \(endpoint) answered \(response.status): \(response.excerpt)"
            return (.failed(reason: reason, attempts: attempt), response.status >= 500)
        } catch {
            return (.failed(reason: error.description, attempts: attempt), error.kind == .cannotConnect)
        }
    }
}
