/// Runs a command as the leader of its own session and process group on the
/// host, and says which group that is, so that a timeout or cancellation can
/// kill everything the command started.
///
/// Closing an SSH channel does not stop the remote process (without a pty),
/// and sshd ignores signal requests for root logins; killing the group from a
/// second channel works for every user and keeps stdout and stderr apart.
/// The inner shell waits for the command rather than exec-ing it: `setsid -w`
/// reports a child killed by signal N as exit status N (indistinguishable
/// from `exit N`), while a waiting shell reports 128+N, the convention
/// operators know.
enum ProcessGroupWrapper {
    static let marker = "WARDEN-PGID="

    /// The wrapped command line. The first stderr line it prints is `WARDEN-PGID=<pid>`.
    /// The command runs under the user's login shell (`$SHELL`), as it would without the wrapper.
    static func wrap(_ command: String) -> String {
        let inner = #"echo "WARDEN-PGID=$$" >&2; "${SHELL:-/bin/sh}" -c "$0"; exit $?"#
        return "exec setsid -w /bin/sh -c \(ShellQuoting.quote(inner)) \(ShellQuoting.quote(command))"
    }

    /// Terminates the group politely, then for certain after two seconds.
    static func killCommand(processGroup: Int32) -> String {
        let g = "-\(processGroup)"
        return "kill -TERM -- \(g) 2>/dev/null; i=0; while kill -0 -- \(g) 2>/dev/null && [ $i -lt 20 ]; do sleep 0.1; i=$((i+1)); done; kill -KILL -- \(g) 2>/dev/null; true"
    }
}
