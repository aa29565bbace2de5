/// Who a step's commands run as: decided here once, for the plan, the run,
/// a resume's probes and kills, and the journal.
extension Step {
    /// The step's own `become:`, else the host's default; nil: the login user.
    public func becomeSpec(on host: InventoryHost) -> BecomeSpec? {
        switch become {
        case .loginUser: nil
        case let .become(spec): spec
        case nil: host.become
        }
    }
}

extension EngineContext {
    /// What the transport needs to run `step`'s commands on `host` as its
    /// `become` user, with the sudo password taken from the secret parameter.
    func remoteBecome(_ step: Step, on host: InventoryHost) -> RemoteBecome? {
        guard let spec = step.becomeSpec(on: host) else { return nil }
        var password: String?
        if let name = spec.passwordParameter, case let .string(text)? = parameters.values[step.scope]?[name] {
            password = text
        }
        return RemoteBecome(method: spec.method, user: spec.user, password: password)
    }
}
