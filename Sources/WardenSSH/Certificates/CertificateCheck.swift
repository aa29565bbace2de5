import Foundation

/// What is checked about a user certificate before connecting, so that an
/// expired certificate is named as such, not as an opaque refusal by the
/// server after a handshake.
enum CertificateCheck {
    /// The certificate at `path` as read now, if it may be offered for `target` now.
    static func validate(_ path: String, for target: SSHTarget, at now: Date = Date()) throws(SSHError) -> CheckedCertificate {
        let certificate: OpenSSHCertificate
        do {
            certificate = try OpenSSHCertificate.load(path: path)
        } catch {
            throw SSHError(.invalidConfiguration, host: target.label, detail: "cannot use the certificate \(path): \(error)",
                           remedy: "Point certificate in the inventory at the -cert.pub file your CA signed for the identity file")
        }
        let named = "the certificate \(path) (key id \"\(certificate.keyID)\")"
        guard certificate.kind == .user else {
            throw SSHError(.invalidConfiguration, host: target.label, detail: "\(named) is a host certificate, not a user certificate",
                           remedy: "Use the user certificate your CA signed with ssh-keygen -s (without -h)")
        }
        switch certificate.validity(at: now) {
        case .valid:
            break
        case let .expired(at):
            throw SSHError(.authFailed, host: target.label, detail: "\(named) expired at \(stamp(at)); nothing was sent to the host",
                           remedy: "Get a fresh certificate from your CA and put it at \(path)")
        case let .notYetValid(from):
            throw SSHError(.authFailed, host: target.label, detail: "\(named) is not valid before \(stamp(from)); nothing was sent to the host",
                           remedy: "Check this machine's clock, or wait for the certificate's validity to begin")
        }
        if !certificate.principals.isEmpty, !certificate.principals.contains(target.user) {
            throw SSHError(.authFailed, host: target.label,
                           detail: "\(named) is for \(certificate.principals.joined(separator: ", ")), not for the login user \(target.user); nothing was sent to the host",
                           remedy: "Log in as one of its principals (user in the inventory), or have the CA sign it for \(target.user)")
        }
        return CheckedCertificate(path: path, read: certificate)
    }

    private static func stamp(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }
}
