import Foundation

/// A revert armed on a host before a change (`deadman:` on a step): a
/// detached timer on the host runs the revert command after a while unless
/// the run disarms it. It is the host's own way back to safety when the
/// controller vanishes (kill -9, power loss, a lost network).
///
/// It lives in `deadman/<run>.<step>/` of the host state folder
/// (`HostStateFolder`: only the login user can change it), holding the
/// command (for people to read), the timer's pid and an `armed` marker.
/// Firing and disarming both start by renaming `armed`, so exactly one of
/// them wins. The timer never re-reads what it runs: the command is handed
/// to it at arming time (in its environment, which only its own account and
/// root can read, unlike its arguments), and when it wakes it runs it only
/// if its folder is still the one it armed (same inode, the login user's,
/// not a link, not writable by others).
public struct Deadman: Sendable, Hashable, Codable {
    public let host: String
    public let step: String
    /// Where it lives on the host: an absolute path once armed; before, the
    /// path inside the host state folder (`deadman/<run>.<step>`). A path in
    /// `/tmp/warden-deadman` was armed by Warden 0.x and is never trusted.
    public let path: String
    /// When it fires, by the controller's clock (seconds since 1970).
    public let firesAt: Double

    public init(host: String, step: String, path: String, firesAt: Double) {
        self.host = host
        self.step = step
        self.path = path
        self.firesAt = firesAt
    }

    /// What disarming found.
    public enum Disarmed: Sendable, Equatable {
        case disarmed
        /// It had fired already: the revert ran, with this exit status.
        case fired(exit: String)
        case firing
        /// Nothing armed there (removed by hand, or the host was rebooted).
        case missing
        /// Armed by Warden 0.x in a world-writable folder: not touched (see `legacyAdvice`).
        case legacy
    }

    /// The folder Warden 0.x kept deadmen in.
    public static let legacyFolder = "/tmp/warden-deadman"

    /// Where the deadman of a run's step lives inside the host state folder.
    public static func entry(runID: String, step: String) -> String {
        "deadman/" + HostLock.safeName("\(runID).\(step)")
    }

    /// Armed by Warden 0.x, in a folder any account could have replaced.
    var isLegacy: Bool { path.hasPrefix(Self.legacyFolder + "/") }

    /// What an operator should do about a deadman Warden 0.x armed.
    var legacyAdvice: String {
        "armed by an older Warden in \(path), a folder any account on \(host) can change: not trusted and not disarmed; "
            + "on \(host), check who owns that folder and whether its revert ran (`fired`), and if it is still armed and root's, "
            + "kill the timer whose pid its `pid` file holds (once its command line shows it is that folder's timer), then remove the folder"
    }

    /// Ends the timer of the deadman in `$d`: the process group its `pid` file names, only
    /// while that process is still this timer (its command line names `$d`). A host that
    /// rebooted since arming has no timer left, and the pid may be any other process's by
    /// now, the database server's among them. Not killing a timer is safe: `armed` is
    /// gone by then, so it wakes to find nothing to do. Without /proc, the pid file is trusted.
    static let endTimer = #"""
          pid=$(cat "$d/pid" 2>/dev/null); case $pid in ''|*[!0-9]*) pid= ;; esac
          if [ -n "$pid" ] && [ -d /proc/self ]; then
            { tr '\0' '\n' < "/proc/$pid/cmdline" | grep -qxF -- "$d"; } 2>/dev/null || pid=
          fi
          [ -z "$pid" ] || kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null
        """#

    /// Arms the revert on `host`. Throws why not when it cannot: the change must not go ahead without it.
    /// `clock` tells the controller's time, from which the firing time is reckoned.
    static func arm(
        _ command: String, after: Duration, runID: String, step: String, host: InventoryHost, transport: any HostTransport,
        clock: any EngineClock = SystemClock()
    ) async throws(HostStateError) -> Deadman {
        let seconds = max(1, Int((after.milliseconds / 1000).rounded(.up)))
        let folder = HostStateFolder(for: host)
        // The timer: record its pid (written by itself, so it names the timer once it runs in its own
        // session, never the shell on its way there), sleep, check the folder is still the one armed,
        // then win the race on `armed` and revert.
        let fire = """
        d=$2; inode=$3; owner=$4
        echo $$ > "$d/pid.new" && mv -f -- "$d/pid.new" "$d/pid"
        sleep "$1"
        [ -L "$d" ] && exit 0
        set -f; set -- $(ls -ldin -- "$d" 2>/dev/null); set +f
        [ "${1:-}" = "$inode" ] && [ "${4:-}" = "$owner" ] || exit 0
        case ${2:-} in ?????w*|????????w*) exit 0;; esac
        mv "$d/armed" "$d/firing" 2>/dev/null || exit 0
        sh -c "$WARDEN_DEADMAN_REVERT" > "$d/fired.log" 2>&1; echo $? > "$d/fired"
        """
        let script = folder.prelude + """
        warden_make_state 1; warden_dir deadman
        d=$warden_state/\(ShellQuoting.quote(entry(runID: runID, step: step)))
        if [ -e "$d" ] || [ -L "$d" ]; then
          # Armed again (a resume re-running the step): the earlier timer must not outlive it.
          warden_check_own "$d"
          if [ -f "$d/pid" ] && mv "$d/armed" "$d/superseded" 2>/dev/null; then
        \(Self.endTimer)
          fi
          rm -rf -- "$d" || warden_cannot "cannot remove the earlier deadman $d"
        fi
        mkdir -m 700 -- "$d" || warden_cannot "cannot create $d"
        WARDEN_DEADMAN_REVERT=\(ShellQuoting.quote(command)); export WARDEN_DEADMAN_REVERT
        printf '%s\\n' "$WARDEN_DEADMAN_REVERT" > "$d/command" || warden_cannot "cannot write $d/command"
        : > "$d/armed"
        set -f; set -- $(ls -ldin -- "$d"); set +f; inode=$1
        fire=\(ShellQuoting.quote(fire))
        if command -v setsid >/dev/null 2>&1; then
          setsid sh -c "$fire" deadman \(seconds) "$d" "$inode" "$warden_uid" </dev/null >/dev/null 2>&1 &
        else
          nohup sh -c "$fire" deadman \(seconds) "$d" "$inode" "$warden_uid" </dev/null >/dev/null 2>&1 &
        fi
        # Armed once the timer has said it runs; else it is told it has nothing to do, and the change waits.
        i=0
        while [ ! -s "$d/pid" ] && [ $i -lt 100 ]; do sleep 0.05 2>/dev/null || sleep 1; i=$((i + 1)); done
        [ -s "$d/pid" ] || { mv -- "$d/armed" "$d/unarmed" 2>/dev/null; warden_cannot "the deadman's timer did not start in $d"; }
        printf 'armed %s\\n' "$d"
        """
        let result = try await HostStateFolder.run(script, on: host, transport: transport)
        let answer = result.stdout.text.split(separator: "\n").first.map(String.init) ?? ""
        guard answer.hasPrefix("armed /") else {
            let cause = result.stderr.text.trimmingCharacters(in: .whitespacesAndNewlines)
            throw HostStateError(host: host.name, kind: .unexpectedAnswer,
                                 message: "the deadman could not be armed (exit \(result.exitStatus.map(String.init) ?? "?"))"
                                    + (cause.isEmpty ? "" : ": " + String(cause.prefix(300))))
        }
        return Deadman(host: host.name, step: step, path: String(answer.dropFirst("armed ".count)),
                       firesAt: clock.now.timeIntervalSince1970 + Double(seconds))
    }

    /// Disarms it: the revert will not run. Reports if it already did.
    public func disarm(on host: InventoryHost, transport: any HostTransport) async throws(HostStateError) -> Disarmed {
        if isLegacy { return .legacy }
        // Where it was armed, when known; else where the host state folder is now.
        let suffix = "/" + path.split(separator: "/").suffix(2).joined(separator: "/")
        let folder = path.hasPrefix("/") && path.hasSuffix(suffix) && path.count > suffix.count
            ? HostStateFolder(configured: String(path.dropLast(suffix.count))) : HostStateFolder(for: host)
        let entry = String(suffix.dropFirst())
        let script = folder.prelude + """
        warden_make_state 0
        [ -z "$warden_absent" ] || { echo missing; exit 0; }
        d=$warden_state/\(ShellQuoting.quote(entry))
        { [ -e "$d" ] || [ -L "$d" ]; } || { echo missing; exit 0; }
        warden_check_own "$warden_state/deadman"; warden_check_own "$d"
        if mv "$d/armed" "$d/disarmed" 2>/dev/null; then
        \(Self.endTimer)
          echo disarmed
        elif [ -e "$d/fired" ]; then echo "fired $(cat "$d/fired")"
        elif [ -e "$d/firing" ]; then echo firing
        else echo missing; fi
        """
        let result = try await HostStateFolder.run(script, on: host, transport: transport)
        let answer = result.stdout.text.trimmingCharacters(in: .whitespacesAndNewlines)
        switch answer {
        case "disarmed": return .disarmed
        case "firing": return .firing
        case "missing": return .missing
        case let fired where fired.hasPrefix("fired "): return .fired(exit: String(fired.dropFirst(6)))
        default:
            throw HostStateError(host: host.name, kind: .unexpectedAnswer, message: "unexpected answer from \(path): '\(answer.prefix(200))'")
        }
    }
}
