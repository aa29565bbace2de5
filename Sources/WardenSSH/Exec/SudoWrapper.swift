/// Runs a wrapped command line as another user through sudo.
///
/// The line the login shell reads execs `sudo`, which runs `/bin/sh -c`
/// with the inner line (the process-group or secret-files wrapper) as the
/// target user: the process group that wrapper reports is the target user's,
/// so a timeout's kill goes through the same sudo (the login user may not
/// signal another user's processes, and sshd would not for root either).
///
/// Without a password, `sudo -n` fails at once (exit 1, `sudo: a password
/// is required`) instead of waiting for one. With a password, `sudo -S -p ''`
/// reads it from stdin, one line, and never shows it on a command line. If
/// sudoers does not ask for it after all, sudo leaves the line unread: the
/// inner line therefore first reads stdin up to a marker line, so the
/// password never reaches the command's stdin.
enum SudoWrapper {
    /// Written after the password on stdin; the inner line discards everything up to it.
    static let stdinMarker = "WARDEN-STDIN-FOLLOWS"

    /// Whether stderr is sudo's own refusal (`sudo: a password is required`,
    /// `Sorry, try again.` then `sudo: 2 incorrect password attempts`, `… is not
    /// allowed to execute …`). Only asked when the wrapper never reported its
    /// group, so nothing of the command ran.
    static func isRefusal(_ stderr: String) -> Bool {
        stderr.hasPrefix("sudo:") || stderr.contains("\nsudo:") || stderr.hasPrefix("Sorry, try again.")
    }

    /// The line of sudo's that says why.
    static func reason(_ stderr: String) -> String {
        let lines = stderr.split(separator: "\n").map(String.init)
        return lines.last(where: { $0.hasPrefix("sudo:") }) ?? lines.first ?? "sudo refused"
    }

    static func wrap(_ inner: String, as become: ExecBecome) -> String {
        let flags: String
        // sudo sets SHELL to the target account's, and a service account's is often nologin: the
        // wrappers run the command with "${SHELL:-/bin/sh}", so such a shell becomes /bin/sh.
        var line = #"case ${SHELL:-} in ''|*/nologin|*/false) SHELL=/bin/sh; export SHELL;; esac"# + "\n" + inner
        if become.password == nil {
            flags = "-n"
        } else {
            flags = "-S -p ''"
            line = #"while IFS= read -r l && [ "$l" != \#(stdinMarker) ]; do :; done; l="# + "\n" + line
        }
        return "exec sudo \(flags) -H -u \(ShellQuoting.quote(become.user)) -- /bin/sh -c \(ShellQuoting.quote(line))"
    }

    /// What goes on stdin before anything else: the password line and the marker.
    static func stdinPrefix(for become: ExecBecome) -> [UInt8] {
        guard let password = become.password else { return [] }
        return password + Array("\n\(stdinMarker)\n".utf8)
    }

    /// A password sudo would read differently from what was meant (a newline
    /// ends it early; a NUL ends it in C) is refused before anything is sent.
    static func isUsable(_ password: [UInt8]) -> Bool {
        !password.contains(UInt8(ascii: "\n")) && !password.contains(UInt8(ascii: "\r")) && !password.contains(0)
    }
}
