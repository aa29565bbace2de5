import Foundation
import Logging
import WardenCore

/// Tells the config's `notify:` webhooks of decisions that need a person (a
/// run waiting for an approver, an escalation, a blocked start, a flapping
/// alert). Fire-and-forget: a slow or dead webhook never holds up a decision;
/// what became of each notification is logged. Token files are read at each
/// send, so a rotated token is used at once.
struct DecisionWebhooks: Sendable {
    let logger: Logger

    func send(_ decision: AlertDecision, to targets: [NotifyTarget], at date: Date) {
        guard decision.needsAHuman, let incident = decision.incident else { return }
        for target in targets where target.events.isEmpty || target.events.contains(decision.kind) {
            Task {
                let result: String
                do {
                    let token = try target.tokenFile.map { try String(contentsOfFile: $0, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) }
                    let notifier = try WebhookNotifier(url: target.url, token: token)
                    let notification = WebhookNotification(event: .init(rawValue: decision.kind), summary: decision.description, rule: decision.rule ?? "",
                                                           incident: incident, run: decision.run, at: date)
                    switch await notifier.notify(notification) {
                    case let .delivered(status, attempts): result = "delivered (\(status), attempt \(attempts))"
                    case let .failed(reason, attempts): result = "failed after \(attempts) attempts: \(reason)"
                    }
                } catch {
                    result = "not sent: \(error)"
                }
                logger.notice("notify webhook", metadata: ["decision": "\(decision.kind)", "incident": "\(incident)", "result": "\(VisibleText.line(result))"])
            }
        }
    }
}
