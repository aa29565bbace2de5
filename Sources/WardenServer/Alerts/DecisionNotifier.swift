import Foundation
import WardenCore

/// Tells the `notify:` webhooks of decisions that need a person. Sending is
/// fire-and-forget in a task of its own: a slow or dead webhook never holds
/// up a decision.
struct DecisionNotifier: Sendable {
    /// Sends one notification; set by the daemon (tests leave it nil: nothing is sent).
    var send: (@Sendable (AlertDecision, Date) async -> Void)?

    func notify(_ decision: AlertDecision, at date: Date) {
        guard let send else { return }
        Task { await send(decision, date) }
    }
}
