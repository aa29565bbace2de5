/// How a host's SSH host key is verified before Warden sends it anything.
public enum HostKeyCheck: Sendable, Hashable {
    /// Look the key up in an OpenSSH known_hosts file at this absolute path.
    case knownHosts(path: String)
    /// Accept only the key with this fingerprint, in OpenSSH's form
    /// `SHA256:` + 43 unpadded base64 characters; known_hosts is not used.
    case pinned(fingerprint: String)
}
