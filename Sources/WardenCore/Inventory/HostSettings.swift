/// The connection settings one level of an inventory states (`defaults` or a
/// single host) before the levels are combined; nil means "not stated here".
/// Paths are already absolute.
struct HostSettings {
    var address: String?
    var user: String?
    var port: Int?
    var identityFile: String?
    var passphraseEnv: String?
    var agent: Bool?
    var agentSocket: String?
    var knownHosts: String?
    var hostKey: String?
    var connectTimeout: Duration?
    /// `host_state_dir`: where Warden keeps locks and deadmen on the host.
    var hostStateDir: String?
    /// `certificate`: the OpenSSH certificate beside the identity file.
    var certificate: String?
    var become: BecomeSetting?
    /// `jump`: the chain of bastions by name; empty for `jump: none`.
    var jump: [NameReference]?
    /// `ssh_config` (defaults only): the operator's OpenSSH client config, and where it is named.
    var sshConfig: String?
    var sshConfigLocation: SourceLocation?
    var groups: [NameReference] = []
    var vars: [String: Value] = [:]
}
