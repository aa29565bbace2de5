import Crypto
import Foundation

/// One Alertmanager webhook notification (protocol version "4"): a whole
/// alert group, firing and resolved alerts together, not a delta.
///
/// Decoding is strict about what Warden reads and lenient about the rest:
/// keys Warden does not know (`notification_reason`, `routeLabels`, whatever a
/// later release adds) are ignored; a missing or mistyped field, a version
/// other than "4", a bad status or timestamp is an `AlertmanagerDeliveryError`
/// naming the field. Sizes are bounded (`Limits`) so that one body cannot make
/// the decider keep unbounded state.
public struct AlertmanagerDelivery: Sendable, Hashable {
    /// The bounds a body is held to. Alertmanager's own `max_alerts` is unlimited by
    /// default; 1,000 alerts is a whole fleet's worth for one group, and a group larger
    /// than that is better cut by Alertmanager (`truncatedAlerts` then says so).
    public struct Limits: Sendable, Hashable {
        public var alerts = 1_000
        /// Labels or annotations per alert (and in groupLabels, commonLabels, commonAnnotations).
        public var entries = 128
        /// Bytes of a label name or value: labels identify, they are short.
        public var labelBytes = 1_024
        /// Bytes of an annotation value: descriptions and runbook links are longer.
        public var annotationBytes = 16_384
        /// Bytes of groupKey, receiver, URLs and the fingerprint.
        public var textBytes = 8_192

        public init() {}
    }

    public var version: String
    public var groupKey: String
    /// Alerts Alertmanager left out because of the receiver's `max_alerts`: counts of
    /// this delivery are then "at least".
    public var truncatedAlerts: Int
    public var status: AlertStatus
    public var receiver: String
    public var groupLabels: [String: String]
    public var commonLabels: [String: String]
    public var commonAnnotations: [String: String]
    public var externalURL: String
    public var alerts: [AlertmanagerAlert]

    public init(groupKey: String, truncatedAlerts: Int = 0, status: AlertStatus, receiver: String = "warden", groupLabels: [String: String] = [:],
                commonLabels: [String: String] = [:], commonAnnotations: [String: String] = [:], externalURL: String = "", alerts: [AlertmanagerAlert]) {
        version = "4"
        self.groupKey = groupKey
        self.truncatedAlerts = truncatedAlerts
        self.status = status
        self.receiver = receiver
        self.groupLabels = groupLabels
        self.commonLabels = commonLabels
        self.commonAnnotations = commonAnnotations
        self.externalURL = externalURL
        self.alerts = alerts
    }

    /// Identifies the notification's content, not its transport: SHA-256 over the
    /// groupKey, the sorted (fingerprint, startsAt, status) of every alert and
    /// truncatedAlerts, hex. A retry, an HA peer's twin and a repeat_interval
    /// re-send of an unchanged group give the same key; any alert added, resolved
    /// or re-fired changes it. Labels and annotations are left out on purpose: they
    /// are the same for a fingerprint (labels) or may be re-templated by a peer.
    public var deliveryKey: String {
        var hasher = SHA256()
        // Lengths before each part, so that no choice of strings can make two different
        // lists hash the same text.
        func add(_ text: String) {
            let bytes = Array(text.utf8)
            hasher.update(data: Array("\(bytes.count):".utf8))
            hasher.update(data: bytes)
        }
        add(groupKey)
        let triples = alerts.map { [$0.fingerprint, $0.startsAt.description, $0.status.rawValue] }
            .sorted { $0.lexicographicallyPrecedes($1) }
        add(String(triples.count))
        for triple in triples { triple.forEach(add) }
        add(String(truncatedAlerts))
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Decodes a webhook body.
    public static func decode(_ body: some Collection<UInt8>, limits: Limits = Limits()) throws(AlertmanagerDeliveryError) -> AlertmanagerDelivery {
        let json: AlertJSON
        do {
            json = try JSONDecoder().decode(AlertJSON.self, from: Data(body))
        } catch {
            throw .notJSON
        }
        guard case let .object(root) = json else { throw .notJSON }
        let reader = Reader(limits: limits)
        // The version first: a body of another protocol is refused as that, not for a field it lacks.
        let version = try reader.string(root, "version", at: "version", bytes: 16)
        guard version == "4" else { throw .unsupportedVersion(version) }
        let alertsPath = "alerts"
        guard let alertsValue = root["alerts"] else { throw .missingField(path: alertsPath) }
        guard case let .array(items) = alertsValue else { throw .wrongType(path: alertsPath, expected: "an array") }
        guard items.count <= limits.alerts else { throw .tooLarge(path: alertsPath, limit: limits.alerts) }
        var delivery = AlertmanagerDelivery(
            groupKey: try reader.string(root, "groupKey", at: "groupKey"),
            truncatedAlerts: try reader.count(root, "truncatedAlerts", at: "truncatedAlerts"),
            status: try reader.status(root, "status", at: "status"),
            receiver: try reader.string(root, "receiver", at: "receiver"),
            groupLabels: try reader.map(root, "groupLabels", at: "groupLabels", bytes: limits.labelBytes),
            commonLabels: try reader.map(root, "commonLabels", at: "commonLabels", bytes: limits.labelBytes),
            commonAnnotations: try reader.map(root, "commonAnnotations", at: "commonAnnotations", bytes: limits.annotationBytes),
            externalURL: try reader.string(root, "externalURL", at: "externalURL"),
            alerts: [])
        delivery.version = version
        for (index, item) in items.enumerated() {
            let path = "alerts[\(index)]"
            guard case let .object(alert) = item else { throw .wrongType(path: path, expected: "an object") }
            let fingerprint = try reader.string(alert, "fingerprint", at: "\(path).fingerprint")
            guard !fingerprint.isEmpty else { throw .badValue(path: "\(path).fingerprint", reason: "must not be empty") }
            delivery.alerts.append(AlertmanagerAlert(
                status: try reader.status(alert, "status", at: "\(path).status"),
                labels: try reader.map(alert, "labels", at: "\(path).labels", bytes: limits.labelBytes),
                annotations: try reader.map(alert, "annotations", at: "\(path).annotations", bytes: limits.annotationBytes),
                startsAt: try reader.timestamp(alert, "startsAt", at: "\(path).startsAt"),
                endsAt: try reader.timestamp(alert, "endsAt", at: "\(path).endsAt"),
                generatorURL: try reader.string(alert, "generatorURL", at: "\(path).generatorURL"),
                fingerprint: fingerprint))
        }
        return delivery
    }

    /// Reads fields of decoded JSON, throwing with the field's path.
    private struct Reader {
        let limits: Limits

        func value(_ object: [String: AlertJSON], _ key: String, at path: String) throws(AlertmanagerDeliveryError) -> AlertJSON {
            guard let value = object[key] else { throw .missingField(path: path) }
            return value
        }

        func string(_ object: [String: AlertJSON], _ key: String, at path: String, bytes: Int? = nil) throws(AlertmanagerDeliveryError) -> String {
            guard case let .string(text) = try value(object, key, at: path) else { throw .wrongType(path: path, expected: "a string") }
            let limit = bytes ?? limits.textBytes
            guard text.utf8.count <= limit else { throw .tooLarge(path: path, limit: limit) }
            return text
        }

        func count(_ object: [String: AlertJSON], _ key: String, at path: String) throws(AlertmanagerDeliveryError) -> Int {
            guard case let .number(number) = try value(object, key, at: path), number.rounded() == number, abs(number) < 1e9 else {
                throw .wrongType(path: path, expected: "an integer")
            }
            guard number >= 0 else { throw .badValue(path: path, reason: "must not be negative") }
            return Int(number)
        }

        func status(_ object: [String: AlertJSON], _ key: String, at path: String) throws(AlertmanagerDeliveryError) -> AlertStatus {
            let text = try string(object, key, at: path, bytes: 64)
            guard let status = AlertStatus(rawValue: text) else { throw .badStatus(path: path, value: text) }
            return status
        }

        func timestamp(_ object: [String: AlertJSON], _ key: String, at path: String) throws(AlertmanagerDeliveryError) -> AlertTimestamp {
            let text = try string(object, key, at: path, bytes: 64)
            guard let time = AlertTimestamp.parse(text) else { throw .badTimestamp(path: path, value: text) }
            return time
        }

        func map(_ object: [String: AlertJSON], _ key: String, at path: String, bytes: Int) throws(AlertmanagerDeliveryError) -> [String: String] {
            let found = try value(object, key, at: path)
            // Go marshals a nil map as null; Alertmanager makes its maps non-nil, but a null is still "no entries".
            if found == .null { return [:] }
            guard case let .object(entries) = found else { throw .wrongType(path: path, expected: "an object of strings") }
            guard entries.count <= limits.entries else { throw .tooLarge(path: path, limit: limits.entries) }
            var result: [String: String] = [:]
            // Sorted, so that of several bad entries the same one is named every time.
            for (name, entry) in entries.sorted(by: { $0.key < $1.key }) {
                let entryPath = "\(path).\(name)"
                guard name.utf8.count <= limits.labelBytes else { throw .tooLarge(path: "\(path) (a name)", limit: limits.labelBytes) }
                guard case let .string(text) = entry else { throw .wrongType(path: entryPath, expected: "a string") }
                guard text.utf8.count <= bytes else { throw .tooLarge(path: entryPath, limit: bytes) }
                result[name] = text
            }
            return result
        }
    }
}
