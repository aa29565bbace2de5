/// Why a rule's parameter template cannot be rendered for an alert.
public enum AlertTemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `{{ labels.x }}` or `{{ annotations.x }}` names what the alert does not have: the
    /// run is not started with an empty value in its place (an empty cluster name
    /// is not a harmless default).
    case missing(namespace: AlertTemplate.Namespace, name: String, parameter: String)
    /// A `{{` with no `}}`, or a reference that is not `labels.<name>` / `annotations.<name>`.
    case malformed(parameter: String, reason: String)

    public var description: String {
        switch self {
        case let .missing(namespace, name, parameter): "parameter '\(parameter)': the alert has no \(namespace.rawValue.dropLast()) '\(name)'"
        case let .malformed(parameter, reason): "parameter '\(parameter)': \(reason)"
        }
    }
}
