import Foundation

extension AlertInputEntry {
    /// What the decider is told for this journaled input: a delivery decoded again from its raw
    /// body (the same bytes decode the same way, so a replay reaches the same decisions).
    public func deciderInput(limits: AlertmanagerDelivery.Limits = AlertmanagerDelivery.Limits()) -> AlertDeciderInput {
        let date = Date(timeIntervalSince1970: at)
        switch kind {
        case .delivery:
            do {
                return .delivery(.success(try AlertmanagerDelivery.decode(body ?? [], limits: limits)), at: date)
            } catch {
                return .delivery(.failure(error), at: date)
            }
        case .runStarted: return .runStarted(run: run ?? "", incident: incident ?? "", awaitingApproval: detail == "approval", at: date)
        case .startFailed: return .startFailed(incident: incident ?? "", reason: detail ?? "", at: date)
        case .planned: return .planned(incident: incident ?? "", planHash: detail ?? "", at: date)
        case .runEnded: return .runEnded(run: run ?? "", at: date)
        case .silenced, .silenceExpired:
            // "ID URL", or for an expiry that failed "ID URL: why".
            let text = detail ?? ""
            let (head, outcome) = text.firstRange(of: ": ").map { (String(text[..<$0.lowerBound]), String(text[$0.upperBound...])) } ?? (text, nil)
            let parts = head.split(separator: " ", maxSplits: 1).map(String.init)
            let silence = parts.first ?? "", alertmanager = parts.count > 1 ? parts[1] : ""
            return kind == .silenced
                ? .silenced(run: run ?? "", incident: incident ?? "", silence: silence, alertmanager: alertmanager, at: date)
                : .silenceExpired(run: run ?? "", incident: incident ?? "", silence: silence, alertmanager: alertmanager, outcome: outcome, at: date)
        case .silenceFailed: return .silenceFailed(run: run ?? "", incident: incident ?? "", reason: detail ?? "", at: date)
        case .close: return .close(incident: incident ?? "", reason: detail ?? "", at: date)
        case .monitorSample: return .monitorSample(at: date)
        }
    }
}
