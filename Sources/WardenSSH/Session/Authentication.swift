import CLibSSH
import Foundation

extension SSHSession {
    /// Authenticates with the key file (and the certificate checked for it) or
    /// the agent the target names. Blocking.
    func authenticate(keys: PrivateKeyStore, certificate: CheckedCertificate?) throws {
        switch target.authentication {
        case .keyFile(let path, let variable):
            let key = try keys.key(path: path, passphraseVariable: variable, host: target.label, certificate: certificate)
            let rc = ssh_userauth_publickey(raw, nil, key.raw)
            try checkAuth(rc, method: target.certificate.map { "key \(path) with certificate \($0)" } ?? "key \(path)",
                          remedy: "Check that the public half of \(path) is in ~\(target.user)/.ssh/authorized_keys on the host, and that user \(target.user) is right")
        case .agent(let socket):
            let path = socket ?? ProcessInfo.processInfo.environment["SSH_AUTH_SOCK"]
            guard let path, !path.isEmpty else {
                throw SSHError(.invalidConfiguration, host: target.label, detail: "agent authentication needs an ssh-agent, but SSH_AUTH_SOCK is not set",
                               remedy: "Start ssh-agent and add a key (ssh-add), or set agent_socket or identity_file in the inventory")
            }
            let rc = ssh_userauth_agent(raw, nil)
            try checkAuth(rc, method: "the keys of the agent at \(path)",
                          remedy: "Check that the agent holds a key (ssh-add -l) whose public half is in ~\(target.user)/.ssh/authorized_keys on the host")
        }
    }

    private func checkAuth(_ rc: Int32, method: String, remedy: String) throws {
        switch rc {
        case SSH_AUTH_SUCCESS.rawValue:
            return
        case SSH_AUTH_DENIED.rawValue, SSH_AUTH_PARTIAL.rawValue:
            throw SSHError(.authFailed, host: target.label, detail: "the server refused \(method) for user \(target.user)", remedy: remedy)
        default:
            let message = libsshError
            let kind: SSHError.Kind = message.localizedCaseInsensitiveContains("timeout") ? .connectTimeout : .authFailed
            throw SSHError(kind, host: target.label, detail: "authentication with \(method) failed: \(message)", remedy: remedy)
        }
    }
}
