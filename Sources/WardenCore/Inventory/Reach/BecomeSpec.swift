/// Who a command runs as on the host when that is not the login user:
/// `become: {method: sudo, user: pegasus}` on a step, or as a default of a
/// host, a group or the whole inventory.
///
/// The login user stays who Warden authenticates as (the account the site's
/// CA or authorized_keys knows); the command, and anything that has to signal
/// it (a timeout's kill, a resume's probe), goes through the same `sudo`.
public struct BecomeSpec: Sendable, Hashable, Codable {
    /// How the switch is made. Only `sudo` for now: `su` needs a terminal
    /// for its password, and `doas`/`pbrun` have not been asked for.
    public enum Method: String, Sendable, Hashable, Codable, CaseIterable {
        case sudo
    }

    public var method: Method
    /// The account the command runs as.
    public var user: String
    /// The runbook's secret parameter holding the sudo password, for sites
    /// whose sudoers asks for one. Nil: `sudo -n`, which fails at once rather
    /// than wait for a password nobody will type.
    public var passwordParameter: String?

    public init(method: Method = .sudo, user: String, passwordParameter: String? = nil) {
        self.method = method
        self.user = user
        self.passwordParameter = passwordParameter
    }

    /// `pegasus via sudo`: how plans, reports and the journal name it.
    public var description: String { "\(user) via \(method.rawValue)" }

    /// `command` as a line that runs it as `user` with nobody there to type a
    /// password: a deadman's revert, which fires long after the run handed
    /// its password over. `sudo -n` fails at once where a password is needed
    /// (validate refuses a deadman on a step whose `become` names one).
    public func unattended(_ command: String) -> String {
        "sudo -n -H -u \(ShellQuoting.quote(user)) -- /bin/sh -c \(ShellQuoting.quote(command))"
    }

    /// A user name sudo and the shell both take as one plain word: POSIX's
    /// portable characters, not starting with `-` (sudo would read an option).
    public static func isValidUser(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first != "-", name.utf8.count <= 64 else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }
    }
}
