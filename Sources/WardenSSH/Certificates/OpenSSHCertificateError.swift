/// Why the text or bytes given are not an OpenSSH certificate Warden can read.
public enum OpenSSHCertificateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A key of a type that is no certificate (a plain public key, most
    /// often: the `.pub` given instead of its `-cert.pub`), or text that is
    /// no key at all; `found` is what stood where the key type belongs.
    case notACertificate(found: String)
    /// A certificate type whose layout Warden does not read (security-key
    /// `sk-` certificates, obsolete versions, types unknown to it).
    case unsupportedType(String)
    /// Looks like a certificate but cannot be read: bad base64, cut short,
    /// a field out of bounds or of the wrong form.
    case malformed(String)

    public var description: String {
        switch self {
        case let .notACertificate(found):
            "not an OpenSSH certificate (found '\(found)'); give the -cert.pub file that ssh-keygen -s wrote"
        case let .unsupportedType(type):
            "unsupported certificate type '\(type)'"
        case let .malformed(reason):
            "malformed OpenSSH certificate: \(reason)"
        }
    }
}
