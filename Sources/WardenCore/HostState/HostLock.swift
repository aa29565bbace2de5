import Foundation

/// A run lock held on a host as a lock directory, so that runs started from
/// different controllers (each with its own state folder) exclude each
/// other on the cluster itself. The directory, `locks/<name>` in the host
/// state folder (`HostStateFolder`), holds an `owner` file with the run id,
/// who holds it and when the lease expires by the host's clock. Controllers
/// share it only when they log in to the lock host as the same account.
///
/// `mkdir` is the atomic step that takes a free lock. Every rewrite of the
/// owner file (renewal, takeover of a lapsed lease, release) happens under a
/// second directory used as a mutex, so a renewal racing a takeover cannot
/// overwrite the new owner; the new file is made with `mktemp` in the lock
/// directory and renamed over the old one.
///
/// A writer can be killed half-way (a Ctrl-C, a controller that died, a
/// command's timeout) and leave that mutex behind. Where the host has
/// `flock` (util-linux, BusyBox), writers first take a kernel lock on the
/// `locks` folder, which dies with its holder; the mutex records its
/// writer's pid, and a writer holding the kernel lock removes at once a
/// mutex whose writer is no longer running: no live writer can be inside it.
/// Any other leftover (a host without `flock`, a writer killed between
/// `mkdir` and writing its pid) is removed once it is a minute old. The
/// kernel lock only adds that right: the mutex alone excludes writers, so a
/// writer that cannot get the kernel lock goes on without it.
public struct HostLock: Sendable {
    /// The folder Warden 0.x kept lock directories in (never used now).
    public static let legacyFolder = "/tmp/warden-locks"

    public let name: String
    public let runID: String
    /// `user on controller`, shown to whoever finds it held.
    public let owner: String
    public let lease: Duration
    /// Where on the lock host it lives.
    public let folder: HostStateFolder

    public init(name: String, runID: String, owner: String, lease: Duration, folder: HostStateFolder) {
        self.name = name
        self.runID = runID
        self.owner = owner
        self.lease = lease
        self.folder = folder
    }

    /// How long a writer waits for the kernel lock (then goes on without it)
    /// and then for the mutex (then gives up with "busy"); tests shorten it.
    var mutexWait: Duration = .seconds(10)

    /// What the host said.
    public enum Answer: Sendable, Equatable {
        case acquired
        /// A lapsed lease taken over from that run.
        case takenOver(from: String)
        case renewed
        case released
        /// Held by another run: the owner file's lines.
        case held(by: String)
        /// This run no longer holds it.
        case lost
    }

    public func acquire(on host: InventoryHost, transport: any HostTransport) async throws(HostStateError) -> Answer {
        try await send(script(action: "acquire"), to: host, transport: transport)
    }

    public func renew(on host: InventoryHost, transport: any HostTransport) async throws(HostStateError) -> Answer {
        try await send(script(action: "renew"), to: host, transport: transport)
    }

    public func release(on host: InventoryHost, transport: any HostTransport) async throws(HostStateError) -> Answer {
        try await send(script(action: "release"), to: host, transport: transport)
    }

    private func send(_ script: String, to host: InventoryHost, transport: any HostTransport) async throws(HostStateError) -> Answer {
        let result = try await HostStateFolder.run(script, on: host, transport: transport)
        let lines = result.stdout.text.split(separator: "\n").map(String.init)
        switch lines.first ?? "" {
        case "acquired": return .acquired
        case "renewed": return .renewed
        case "released": return .released
        case "lost": return .lost
        case let line where line.hasPrefix("taken-over "): return .takenOver(from: String(line.dropFirst("taken-over ".count)))
        case "held":
            let owner = lines.dropFirst().filter { !$0.isEmpty }.joined(separator: ", ")
            return .held(by: owner.isEmpty ? "a run that is still writing its owner file" : owner)
        default:
            let cause = result.stderr.text.trimmingCharacters(in: .whitespacesAndNewlines)
            throw HostStateError(host: host.name, kind: .unexpectedAnswer,
                                 message: "the lock directory locks/\(Self.safeName(name)) could not be handled (exit \(result.exitStatus.map(String.init) ?? "?")): "
                                    + (cause.isEmpty ? "no output" : String(cause.prefix(300))))
        }
    }

    /// One POSIX sh script per action; every value is shell-quoted.
    func script(action: String) -> String {
        let seconds = max(1, Int(lease.milliseconds / 1000))
        let waitSeconds = max(1, Int(mutexWait.milliseconds / 1000))
        return folder.prelude + """
        run=\(ShellQuoting.quote(runID)); owner=\(ShellQuoting.quote(owner)); lease=\(seconds); action=\(action)
        if [ "$action" = acquire ]; then warden_make_state 1; warden_dir locks
        else
          warden_make_state 0
          [ -z "$warden_absent" ] || { [ "$action" = release ] && echo released || echo lost; exit 0; }
          { [ -e "$warden_state/locks" ] || [ -L "$warden_state/locks" ]; } || { [ "$action" = release ] && echo released || echo lost; exit 0; }
          warden_check_own "$warden_state/locks"
        fi
        lock=$warden_state/locks/\(ShellQuoting.quote(Self.safeName(name)))
        write_owner() {
          t=$(mktemp "$lock/owner.XXXXXX") || warden_cannot "cannot create a file in $lock"
          printf 'run=%s\\nowner=%s\\nexpires=%s\\n' "$run" "$owner" "$(( $(date +%s) + lease ))" > "$t" && mv -f -- "$t" "$lock/owner"
        }
        field() { sed -n "s/^$1=//p" "$lock/owner" 2>/dev/null; }
        if [ "$action" = acquire ] && mkdir -m 700 -- "$lock" 2>/dev/null; then write_owner && echo acquired; exit; fi
        { [ -e "$lock" ] || [ -L "$lock" ]; } || { [ "$action" = release ] && echo released || echo lost; exit 0; }
        warden_check_own "$lock"
        # The kernel lock on the locks folder (see HostLock): held until this shell and its
        # children are gone, however they end. Only an addition: the mutex below still excludes
        # writers, so one that cannot get it (a writer stuck behind an older Warden's mutex, a
        # file system without locks) goes on without it, under the minute-old rule alone.
        # `flock -n` in a loop: BusyBox's flock has no -w.
        guarded=
        if command -v flock >/dev/null 2>&1; then
          exec 9<"$warden_state/locks" || warden_cannot "cannot open $warden_state/locks"
          tries=0
          while :; do
            if flock -n 9 2>/dev/null; then guarded=1; break; fi
            tries=$((tries + 1)); [ $tries -gt \(waitSeconds * 10) ] && break
            sleep 0.1
          done
        fi
        tries=0
        until mkdir -m 700 -- "$lock.mutex" 2>/dev/null; do
          if [ -e "$lock.mutex" ] || [ -L "$lock.mutex" ]; then warden_check_own "$lock.mutex"; fi
          holder=$(cat -- "$lock.mutex/pid" 2>/dev/null) || holder=
          case $holder in *[!0-9]*) holder=;; esac
          # A leftover: under the kernel lock, a mutex naming a writer that is gone; else one a minute old.
          stale=
          if [ -n "$guarded" ] && [ -n "$holder" ] && ! kill -0 "$holder" 2>/dev/null && [ ! -d "/proc/$holder" ]; then stale=1
          elif [ -n "$(find "$lock.mutex" -maxdepth 0 -mmin +1 2>/dev/null)" ]; then stale=1; fi
          broke=
          if [ -n "$stale" ]; then rm -f -- "$lock.mutex/pid"; rmdir -- "$lock.mutex" 2>/dev/null && broke=1; fi
          tries=$((tries + 1))
          [ $tries -gt \(waitSeconds * 10) ] && { echo "lock mutex $lock.mutex busy${holder:+ (held by process $holder on this host)}" >&2; exit 4; }
          [ -n "$broke" ] || sleep 0.1
        done
        trap 'rm -f -- "$lock.mutex/pid"; rmdir -- "$lock.mutex" 2>/dev/null' EXIT
        # A stop kills the command's process group with TERM (then KILL), a lost connection sends
        # HUP: by default sh dies of them without its EXIT trap, leaving the mutex behind.
        trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM
        echo $$ > "$lock.mutex/pid"
        # Checked here, not inside $(...): a refusal there would end only the subshell.
        if [ -e "$lock/owner" ] || [ -L "$lock/owner" ]; then warden_check_own "$lock/owner"; fi
        held=$(field run); expires=$(field expires)
        case "$action" in
          acquire)
            if [ "$held" = "$run" ]; then write_owner && echo acquired
            elif [ -n "$expires" ] && [ "$expires" -lt "$(date +%s)" ]; then write_owner && echo "taken-over $held"
            else echo held; cat "$lock/owner" 2>/dev/null; fi ;;
          renew)
            if [ "$held" = "$run" ]; then write_owner && echo renewed; else echo lost; fi ;;
          release)
            if [ "$held" = "$run" ]; then rm -rf -- "$lock" && echo released; else echo lost; fi ;;
        esac
        """
    }

    /// A lock name as one path component: what is not a letter, digit, dot,
    /// dash or underscore becomes `_`, so a name cannot reach another folder.
    static func safeName(_ name: String) -> String {
        let mapped = String(name.unicodeScalars.map { scalar -> Character in
            let allowed = CharacterSet.alphanumerics.contains(scalar) && scalar.isASCII || "._-".unicodeScalars.contains(scalar)
            return allowed ? Character(scalar) : "_"
        })
        return mapped.hasPrefix(".") ? "_" + mapped.dropFirst() : mapped
    }
}
