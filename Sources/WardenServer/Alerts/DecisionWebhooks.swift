import Foundation
import Logging
import WardenCore

/// Tells the config's `notify:` webhooks what needs a person: alert decisions
/// (a run waiting for an approver, an escalation, a blocked start, a flapping
/// alert) and scheduled occurrences (one to approve, one held because its
/// plan changed, one missed or skipped, a run that failed). Fire-and-forget:
/// a slow or dead webhook never holds up a decision or a run; what became of
/// each notification is logged. Token files are read at each send, so a
/// rotated token is used at once.
struct DecisionWebhooks: Sendable {
    let logger: Logger

    func send(_ decision: AlertDecision, to targets: [NotifyTarget], at date: Date) {
        guard decision.needsAHuman, let incident = decision.incident else { return }
        send(WebhookNotification(event: .init(rawValue: decision.kind), summary: decision.description, rule: decision.rule ?? "",
                                 incident: incident, run: decision.run, at: date), to: targets)
    }

    /// Posts `notification` to every target that hears of its event kind.
    func send(_ notification: WebhookNotification, to targets: [NotifyTarget]) {
        for target in targets where target.events.isEmpty || target.events.contains(notification.event.rawValue) {
            Task {
                let result: String
                do {
                    let token = try target.tokenFile.map { try String(contentsOfFile: $0, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) }
                    let notifier = try WebhookNotifier(url: target.url, token: token)
                    switch await notifier.notify(notification) {
                    case let .delivered(status, attempts): result = "delivered (\(status), attempt \(attempts))"
                    case let .failed(reason, attempts): result = "failed after \(attempts) attempts: \(reason)"
                    }
                } catch {
                    result = "not sent: \(error)"
                }
                logger.notice("notify webhook", metadata: ["event": "\(notification.event)", "about": "\(notification.incident ?? notification.schedule ?? "")",
                                                           "result": "\(VisibleText.line(result))"])
            }
        }
    }
}
