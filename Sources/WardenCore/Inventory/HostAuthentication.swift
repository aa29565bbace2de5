/// How Warden proves its identity to a host's SSH server, as resolved from
/// the inventory (see `InventoryHost.auth` for the rules).
public enum HostAuthentication: Sendable, Hashable {
    /// A private key file. `passphraseEnv` is the NAME of the environment
    /// variable holding the key's passphrase, never the passphrase itself,
    /// so inventories can be committed without secrets.
    case keyFile(path: String, passphraseEnv: String?)
    /// Keys held by an ssh-agent. A nil socket means "whatever SSH_AUTH_SOCK
    /// says when connecting", so an agent started after loading still works.
    case agent(socket: String?)
}
