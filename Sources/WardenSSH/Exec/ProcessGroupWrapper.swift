/// Makes a command report the process group it runs in, so that a timeout
/// or cancellation can kill everything it started.
///
/// Closing an SSH channel does not stop the remote process (without a pty),
/// and sshd ignores signal requests for root logins; killing the group from
/// a second channel works for every user and keeps stdout and stderr apart.
///
/// No `setsid` is needed: OpenSSH's sshd calls setsid() for every session
/// child, so the login shell that reads this line already leads its own
/// session and process group, and `$$` names it. The line then execs the
/// user's shell on the command, keeping that pid and group: the command runs
/// exactly as plain `ssh host CMD` would, and a death by signal is reported
/// by sshd as an exit signal. (An earlier `setsid -w sh -c …` wrapper cost
/// two extra process starts per command, about 4 ms on a warm session.)
enum ProcessGroupWrapper {
    static let marker = "WARDEN-PGID="

    /// The wrapped command line. The first stderr line it prints is
    /// `WARDEN-PGID=<pid> <start>`: `<start>` is field 22 of
    /// `/proc/<pid>/stat` (empty without /proc), read with shell builtins only
    /// so that no process is started for it. A resume uses it to tell the
    /// group from a later one that reuses the pid.
    static func wrap(_ command: String) -> String {
        report + #"; exec "${SHELL:-/bin/sh}" -c "# + ShellQuoting.quote(command)
    }

    /// Prints the marker line. The group is field 5 of `/proc/$$/stat`:
    /// under sshd it is `$$` itself, but under sudo without a pty the shell
    /// joins the group sudo runs in. The start time is given only when `$$`
    /// leads the group (a resume compares it with the leader's).
    static let report = #"{ read -r WARDEN_STAT </proc/$$/stat; } 2>/dev/null; set -- ${WARDEN_STAT##*)}; "#
        + #"WARDEN_G=${3:-$$}; WARDEN_S=; [ "$WARDEN_G" = "$$" ] && WARDEN_S=${20}; echo "WARDEN-PGID=$WARDEN_G $WARDEN_S" >&2"#

    /// Terminates the group politely now and, from a background process on the
    /// host, for certain two seconds later if anything in it still runs. The
    /// caller waits for the command's channel to close rather than for this
    /// script: a group whose members were TERMed but not yet reaped (a slow
    /// init) must not hold the report back.
    static func killCommand(processGroup: Int32) -> String {
        let g = "-\(processGroup)"
        let fallback = "i=0; while kill -s 0 -- \(g) 2>/dev/null && [ $i -lt 20 ]; do sleep 0.1; i=$((i+1)); done; kill -s KILL -- \(g) 2>/dev/null"
        return "kill -s TERM -- \(g) 2>/dev/null; (\(fallback)) </dev/null >/dev/null 2>&1 & exit 0"
    }
}
