
/// Whether a resume was given the secrets its run started with. Secrets are
/// not journaled, so they are given again (`--params`, `WARDEN_PARAM_<NAME>`);
/// the journaled plan holds each one's digest under its initiator's key
/// (`SecretDigestKey`), and the plan hash the approvals bind to covers those
/// digests. The resume compares digests of what it was given with them, never
/// values: the same secret resumes, another one is not what was approved.
struct ResumeSecretCheck {
    /// What the comparison found.
    enum Verdict: Equatable {
        /// The runbook has no secret parameter, or every one is as the run started.
        case same
        /// The plan was journaled by a Warden that did not bind secrets.
        case notRecorded
        /// The digests cannot be made again (the key is unreadable, gone or made anew); why.
        case unchecked(String)
        /// These secrets are not the values the run started with.
        case differ([String])
    }

    let plan: Plan
    let context: EngineContext
    /// The state folder, where the initiator's key is.
    let state: String

    var verdict: Verdict {
        let names = context.runbook.parameters.filter(\.secret).map(\.name)
        guard !names.isEmpty else { return .same }
        guard let recordedKey = plan.secretKey else { return .notRecorded }
        let key: SecretDigestKey
        do {
            key = try SecretDigestKey.open(directory: state, owner: recordedKey.owner)
        } catch {
            return .unchecked(error.description)
        }
        guard key.id == recordedKey.id else {
            return .unchecked("the secret digest key \(key.path) was made again since the run started (it is \(key.id), the run's was \(recordedKey.id))")
        }
        let now = context.parameters.secretDigests(of: context.runbook, key: key)
        let differ = names.filter { name in now[name] != plan.parameters.first(where: { $0.name == name })?.digest }
        return differ.isEmpty ? .same : .differ(differ)
    }
}
