/// A user certificate file as `CertificateCheck` read and accepted it just
/// before connecting: the one the session then offers with its key.
struct CheckedCertificate: Hashable, Sendable {
    let path: String
    let read: OpenSSHCertificate
}
