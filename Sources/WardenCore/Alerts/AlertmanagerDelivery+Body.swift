import Foundation

extension AlertmanagerDelivery {
    /// The delivery as webhook protocol version 4 writes it (sorted keys): what `decode` reads
    /// back as this same delivery. Warden journals such a body when it learns of a resolution
    /// Alertmanager did not send (an alert that resolved while Warden's silence muted it), so
    /// that it is decided, replayed and audited like any delivery.
    public var body: [UInt8] {
        func alertObject(_ alert: AlertmanagerAlert) -> [String: Any] {
            ["status": alert.status.rawValue, "labels": alert.labels, "annotations": alert.annotations, "startsAt": alert.startsAt.description,
             "endsAt": alert.endsAt.description, "generatorURL": alert.generatorURL, "fingerprint": alert.fingerprint]
        }
        let object: [String: Any] = [
            "version": version, "groupKey": groupKey, "truncatedAlerts": truncatedAlerts, "status": status.rawValue, "receiver": receiver,
            "groupLabels": groupLabels, "commonLabels": commonLabels, "commonAnnotations": commonAnnotations, "externalURL": externalURL,
            "alerts": alerts.map(alertObject),
        ]
        // Only strings, integers, arrays and string maps: always serializable.
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return Array(data)
    }
}
