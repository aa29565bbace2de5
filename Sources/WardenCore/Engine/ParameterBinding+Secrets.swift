/// Secrets as a plan binds them (keyed digests, never values) and as it
/// explains what redaction hid.
extension ParameterBinding {
    /// Per secret parameter of the runbook itself that has a value, the
    /// digest of that value under `key` (`SecretDigestKey`). Included
    /// runbooks' secrets are left out: their values come from the runbook's
    /// own parameters or its text, which the plan hash binds already.
    func secretDigests(of runbook: Runbook, key: SecretDigestKey) -> [String: String] {
        var digests: [String: String] = [:]
        for spec in runbook.parameters where spec.secret {
            guard let value = values[0]?[spec.name], value != .null else { continue }
            digests[spec.name] = key.digest(of: value, parameter: spec.name)
        }
        return digests
    }

    /// The secret parameters (sorted) whose value the redactor would mask
    /// somewhere in `text`.
    func secretsShown(in text: String) -> [String] {
        secretsByName.filter { _, texts in Redactor(secrets: texts).redact(text) != text }.keys.sorted()
    }
}
