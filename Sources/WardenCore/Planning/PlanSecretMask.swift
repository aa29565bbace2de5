/// Text the plan shows as `<secret>` although no secret is used there: a
/// parameter that is not secret, or a command's text from elsewhere (a
/// literal, another parameter, a host's output), equals a secret's value.
/// Redaction cannot tell the two apart, so the plan says so: the approver
/// then knows the plan hides something that is not a secret.
public struct PlanSecretMask: Sendable, Codable, Equatable {
    /// The non-secret parameter shown masked; nil for a step.
    public var parameter: String?
    /// The step whose command (or undo) is shown masked; nil for a parameter.
    public var step: String?
    /// The hosts whose command for `step` is shown masked.
    public var hosts: [String]?
    /// True when the whole parameter value equals a secret's (it is shown as `<secret>` alone).
    public var whole: Bool?
    /// The secret parameters whose values the masked text equals.
    public var secrets: [String]

    public init(parameter: String? = nil, step: String? = nil, hosts: [String]? = nil, whole: Bool? = nil, secrets: [String]) {
        self.parameter = parameter
        self.step = step
        self.hosts = hosts
        self.whole = whole
        self.secrets = secrets
    }
}
