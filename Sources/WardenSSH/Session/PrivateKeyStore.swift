import CLibSSH
import Foundation
import Synchronization

/// Private keys imported once per process and shared read-only by every
/// session (libssh allows an `ssh_key` to be used from several threads
/// when nobody modifies it).
final class PrivateKeyStore: Sendable {
    private let keys = Mutex<[Name: PrivateKey]>([:])

    /// A key file, with the certificate attached to it if any, as it was read
    /// when checked: a certificate renewed in place is a new name, so a
    /// long-running controller offers the certificate it just checked, not
    /// the one it imported first.
    private struct Name: Hashable {
        let path: String
        let certificate: CheckedCertificate?
    }

    /// The imported key for `path` (with `certificate` attached, if given),
    /// importing it on first use. Blocking. A key with a certificate is a
    /// separate import: attaching one changes the key object.
    func key(path: String, passphraseVariable: String?, host: String, certificate: CheckedCertificate? = nil) throws -> PrivateKey {
        let name = Name(path: path, certificate: certificate)
        if let cached = keys.withLock({ $0[name] }) { return cached }
        let key = try PrivateKey.importFile(path: path, passphraseVariable: passphraseVariable, host: host)
        if let certificate { try key.attach(certificate: certificate.path, host: host) }
        return keys.withLock { store in
            if let raced = store[name] { return raced }
            store[name] = key
            return key
        }
    }
}

/// An imported private key, freed when the last user lets go.
final class PrivateKey: @unchecked Sendable {
    let raw: OpaquePointer

    private init(raw: OpaquePointer) { self.raw = raw }

    deinit { ssh_key_free(raw) }

    /// Makes the key authenticate with the OpenSSH certificate at `path`
    /// (before it is shared: the key object changes).
    func attach(certificate path: String, host: String) throws {
        var certificate: OpaquePointer?
        guard ssh_pki_import_cert_file(path, &certificate) == SSH_OK, let certificate else {
            throw SSHError(.invalidConfiguration, host: host, detail: "could not read the certificate \(path)",
                           remedy: "Point certificate in the inventory at the -cert.pub file your CA signed")
        }
        defer { ssh_key_free(certificate) }
        guard ssh_pki_copy_cert_to_privkey(certificate, raw) == SSH_OK else {
            throw SSHError(.invalidConfiguration, host: host, detail: "the certificate \(path) was not signed for this identity file's key",
                           remedy: "Use the -cert.pub file that belongs to the identity file (ssh-keygen -L -f shows its public key)")
        }
    }

    static func importFile(path: String, passphraseVariable: String?, host: String) throws -> PrivateKey {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw SSHError(.invalidConfiguration, host: host, detail: "the identity file \(path) does not exist or is not readable",
                           remedy: "Fix identity_file in the inventory, or use agent: true")
        }
        var passphrase: String?
        if let name = passphraseVariable {
            guard let value = ProcessInfo.processInfo.environment[name] else {
                throw SSHError(.invalidConfiguration, host: host,
                               detail: "the passphrase for \(path) is to come from $\(name), which is not set",
                               remedy: "Export \(name) in the environment that runs warden (it is never read from the command line)")
            }
            passphrase = value
        }
        var key: OpaquePointer?
        let rc = ssh_pki_import_privkey_file(path, passphrase, nil, nil, &key)
        guard rc == SSH_OK, let key else {
            let why = passphraseVariable == nil
                ? "it is encrypted, unreadable or not a private key"
                : "the passphrase in $\(passphraseVariable ?? "") is wrong, or it is not a private key"
            throw SSHError(.authFailed, host: host, detail: "could not load the identity file \(path): \(why)",
                           remedy: passphraseVariable == nil
                               ? "If the key has a passphrase, name the variable holding it with passphrase_env in the inventory"
                               : "Check the key file and the passphrase")
        }
        return PrivateKey(raw: key)
    }
}
