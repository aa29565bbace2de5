import CLibSSH
import Foundation
import Synchronization

extension SSHSession {
    /// Checks the server's key against the pinned fingerprint or the known_hosts
    /// file. Strict: an unknown key is refused unless the policy accepts new
    /// keys, and a changed key is always refused with both fingerprints.
    func verifyHostKey() throws {
        var key: OpaquePointer?
        guard ssh_get_server_publickey(raw, &key) == SSH_OK, let key else {
            throw SSHError(.unreachable, host: target.label, detail: "the server sent no host key (\(libsshError))",
                           remedy: "Check that the port belongs to an SSH server")
        }
        defer { ssh_key_free(key) }
        let offered = try fingerprint(of: key)

        switch target.hostKeyPolicy {
        case .pinned(let pinned):
            guard pinned == offered else {
                throw SSHError(.hostKeyChanged, host: target.label,
                               detail: "the inventory pins \(pinned) but the server offered \(offered)",
                               remedy: "Do not connect until you know why: this can be an attack. If the host was rebuilt, confirm the new fingerprint out of band (ssh-keygen -lf on the host's key) and update host_key in the inventory")
            }
        case .knownHosts(let path, let acceptNew):
            try checkKnownHosts(path: path, acceptNew: acceptNew, offered: offered, key: key)
        }
    }

    private func checkKnownHosts(path: String, acceptNew: Bool, offered: String, key: OpaquePointer) throws {
        let entryName = target.port == 22 ? target.address : "[\(target.address)]:\(target.port)"
        let markers = KnownHostsMarkers(path: path)
        var blob: UnsafeMutablePointer<CChar>?
        if ssh_pki_export_pubkey_base64(key, &blob) == SSH_OK, let blob {
            defer { ssh_string_free_char(blob) }
            if let line = markers.revoked[String(cString: blob)] {
                throw SSHError(.hostKeyChanged, host: target.label,
                               detail: "the key the server offered (\(offered)) is marked @revoked at line \(line) of \(path)",
                               remedy: "Do not connect until you know why: a revoked key is one its owners stopped trusting. Confirm the host's current key out of band")
            }
        }
        // libssh 0.10 skips @cert-authority lines: a host only a CA could vouch for is unknown to it.
        let authorities = markers.certificateAuthorities.isEmpty ? "" :
            "; \(path) has @cert-authority lines (line \(markers.certificateAuthorities.map(String.init).joined(separator: ", "))), but Warden cannot verify host certificates (libssh 0.10 does not), so they vouch for no host"
        let state = ssh_session_is_known_server(raw)
        switch state {
        case SSH_KNOWN_HOSTS_OK:
            return
        case SSH_KNOWN_HOSTS_CHANGED, SSH_KNOWN_HOSTS_OTHER:
            let prints = recordedFingerprints(path: path, entryName: entryName)
            let recorded = prints.isEmpty ? "another key" : prints.joined(separator: " and ")
            throw SSHError(.hostKeyChanged, host: target.label,
                           detail: "\(path) records \(recorded) for \(entryName) but the server offered \(offered)",
                           remedy: "Do not connect until you know why: this can be an attack. If the host was rebuilt, confirm the new fingerprint out of band, then remove the old entry with: ssh-keygen -R '\(entryName)' -f \(path)")
        case SSH_KNOWN_HOSTS_UNKNOWN, SSH_KNOWN_HOSTS_NOT_FOUND:
            guard acceptNew else {
                throw SSHError(.hostKeyUnknown, host: target.label,
                               detail: "\(entryName) is not in \(path); the server offered \(offered)" + authorities,
                               remedy: "Confirm the fingerprint out of band, then either pin it with host_key: \(offered) in the inventory or run once with --accept-new-host-keys to record it")
            }
            try recordHostKey(path: path)
        default:
            throw SSHError(.hostKeyUnknown, host: target.label,
                           detail: "could not check \(path): \(libsshError)" + authorities,
                           remedy: "Check that the known_hosts file is readable and well formed")
        }
    }

    /// The fingerprints known_hosts holds for this host. libssh reports a
    /// mismatch without the recorded entry, so read the file and let
    /// `ssh_known_hosts_parse_line` do the matching (it knows hashed names
    /// and the `[host]:port` form).
    private func recordedFingerprints(path: String, entryName: String) -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        var found: [String] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix("@") { continue }
            var entry: UnsafeMutablePointer<ssh_knownhosts_entry>?
            guard ssh_known_hosts_parse_line(entryName, trimmed, &entry) == SSH_OK, let entry else { continue }
            defer { ssh_knownhosts_entry_free(entry) }
            if let key = entry.pointee.publickey, let print = try? fingerprint(of: key) { found.append(print) }
        }
        return found
    }

    /// Appends the host's key to known_hosts. Writers are serialised so that
    /// a fan-out to many new hosts does not interleave lines.
    private func recordHostKey(path: String) throws {
        let rc = knownHostsWriteLock.withLock { _ in
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                         attributes: [.posixPermissions: 0o700])
            }
            return ssh_session_update_known_hosts(raw)
        }
        guard rc == SSH_OK else {
            throw SSHError(.hostKeyUnknown, host: target.label,
                           detail: "could not record the host key in \(path): \(libsshError)",
                           remedy: "Check that \(path) and its folder are writable")
        }
    }

    /// `SHA256:…` as OpenSSH prints it.
    func fingerprint(of key: OpaquePointer) throws -> String {
        var hash: UnsafeMutablePointer<UInt8>?
        var length = 0
        guard ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) == SSH_OK, let hash else {
            throw SSHError(.unreachable, host: target.label, detail: "could not hash the host key: \(libsshError)",
                           remedy: "Report this: libssh could not fingerprint the key")
        }
        defer { var h: UnsafeMutablePointer<UInt8>? = hash; ssh_clean_pubkey_hash(&h) }
        guard let text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, length) else {
            throw SSHError(.unreachable, host: target.label, detail: "could not format the host key fingerprint",
                           remedy: "Report this: libssh could not fingerprint the key")
        }
        defer { ssh_string_free_char(text) }
        return String(cString: text)
    }
}

/// One writer at a time for every known_hosts file this process records to.
private let knownHostsWriteLock = Mutex<Void>(())
