/// The folder on a host where Warden keeps what must outlive a connection:
/// run locks (`locks/`) and armed deadmen (`deadman/`).
///
/// A host is shared with the database's service account and often with other
/// people, and Warden usually logs in as root. Whatever the timer of a
/// deadman runs, and whatever a lock directory says, must therefore come from
/// a folder only the login user (or root) can change. So the folder is:
/// - by default `/var/lib/warden` for root and `~/.local/state/warden` for
///   any other login user; `host_state_dir` in the inventory overrides it;
/// - created with `mkdir -m 700` under `umask 077`, never `chmod`-ed after
///   the fact, and every folder on the way to it created the same way;
/// - checked before each use: every folder above it must belong to root or
///   the login user and not be writable by others (unless sticky, as `/tmp`);
///   a symbolic link on the way must belong to root or the login user; the
///   folder itself, and every entry Warden reads in it, must not be a
///   symbolic link, must belong to the login user and must not be writable
///   by group or others. Anything else is refused, naming the path and what
///   was found, and nothing in it is trusted.
///
/// Every controller of one cluster must log in to its lock host as the same
/// account: the lock directories live in that account's folder.
public struct HostStateFolder: Sendable, Hashable {
    /// Root's default.
    public static let rootDefault = "/var/lib/warden"
    /// Any other login user's default (`~` is the login user's home on the host).
    static let userDefault = "~/.local/state/warden"
    /// Where Warden 0.x kept deadmen and locks, in world-writable folders
    /// anyone could create first. Never used, never trusted; only reported.
    static let legacyFolders = ["/tmp/warden-deadman", "/tmp/warden-locks"]

    /// `host_state_dir` as the inventory gives it; nil for the default.
    public let configured: String?

    public init(configured: String?) {
        self.configured = configured
    }

    public init(for host: InventoryHost) {
        self.init(configured: host.stateFolder)
    }

    /// The exit status of a script that refused an unsafe path (stderr: `unsafe: …`).
    static let unsafeStatus: Int32 = 5
    /// The exit status of a script that could not create a folder (stderr: `cannot: …`).
    static let cannotStatus: Int32 = 6

    /// The POSIX sh functions every host-side script starts with. They set
    /// `warden_state` to the folder's absolute path and define:
    /// - `warden_make_state 1`: create what is missing, check everything;
    ///   `warden_make_state 0`: only check; sets `warden_absent` to the first
    ///   missing folder instead of creating it (nothing exists yet);
    /// - `warden_dir NAME`: the subfolder `NAME` (created when missing), checked;
    /// - `warden_check_own PATH`: PATH is the login user's, no link, not writable by others;
    /// - `warden_unsafe TEXT` / `warden_cannot TEXT`: refuse, with the status above.
    var prelude: String {
        """
        set -u; umask 077
        warden_unsafe() { printf 'unsafe: %s\\n' "$*" >&2; exit \(Self.unsafeStatus); }
        warden_cannot() { printf 'cannot: %s\\n' "$*" >&2; exit \(Self.cannotStatus); }
        warden_uid=$(id -u 2>/dev/null) || warden_cannot "cannot tell the login user's id (id -u failed)"
        warden_me="$(id -un 2>/dev/null || echo '?') (uid $warden_uid)"
        warden_stat() { set -f; if [ "${2:-}" = L ]; then set -- $(ls -ldnL -- "$1" 2>/dev/null); else set -- $(ls -ldn -- "$1" 2>/dev/null); fi; set +f; warden_perm=${1:-}; warden_owner_uid=${3:-}; }
        warden_owner() { set -f; set -- $(ls -ld ${2:-} -- "$1" 2>/dev/null); set +f; printf '%s (uid %s)' "${3:-?}" "${warden_owner_uid:-?}"; }
        warden_foreign_writable() { case $1 in ?????w*|????????w*) return 0;; esac; return 1; }
        warden_sticky() { case $1 in ?????????[tT]*) return 0;; esac; return 1; }
        warden_check_above() {
          if [ -L "$1" ]; then
            warden_stat "$1"
            case $warden_owner_uid in 0|"$warden_uid") ;; *) warden_unsafe "$1 is a symbolic link owned by $(warden_owner "$1"), not by $warden_me or root: refusing to follow it to the host state folder";; esac
          fi
          warden_stat "$1" L
          [ -n "$warden_owner_uid" ] || warden_cannot "cannot examine $1 as $warden_me"
          case $warden_owner_uid in 0|"$warden_uid") ;; *) warden_unsafe "$1 is owned by $(warden_owner "$1" -L), not by $warden_me or root: another account could replace the host state folder below it";; esac
          if warden_foreign_writable "$warden_perm" && ! warden_sticky "$warden_perm"; then
            warden_unsafe "$1 is writable by group or others ($warden_perm) and not sticky: another account could replace the host state folder below it"
          fi
        }
        warden_check_own() {
          if [ -L "$1" ]; then warden_unsafe "$1 is a symbolic link (to $(readlink -- "$1" 2>/dev/null)), not something Warden created: check what it points to, then remove it"; fi
          warden_stat "$1"
          [ -n "$warden_owner_uid" ] || warden_cannot "cannot examine $1 as $warden_me"
          [ "$warden_owner_uid" = "$warden_uid" ] || warden_unsafe "$1 is owned by $(warden_owner "$1"), not by $warden_me, the account Warden logs in as: another account created it; check what it holds, then remove it"
          if warden_foreign_writable "$warden_perm"; then warden_unsafe "$1 is writable by group or others ($warden_perm): Warden creates it 0700; check what it holds, then remove it or chmod go-w it"; fi
        }
        warden_state=\(ShellQuoting.quote(configured ?? ""))
        if [ -z "$warden_state" ]; then
          if [ "$warden_uid" = 0 ]; then warden_state=\(Self.rootDefault); else warden_state='~/.local/state/warden'; fi
        fi
        case $warden_state in '~/'*) warden_state=${HOME:-}/${warden_state#'~/'};; esac
        case $warden_state in /*) ;; *) warden_cannot "the host state folder '$warden_state' is not an absolute path (is HOME set for $warden_me?)";; esac
        warden_absent=
        warden_make_state() {
          warden_walk=; warden_rest=${warden_state#/}
          warden_check_above /
          while [ -n "$warden_rest" ]; do
            warden_part=${warden_rest%%/*}
            case $warden_rest in */*) warden_rest=${warden_rest#*/};; *) warden_rest=;; esac
            [ -n "$warden_part" ] || continue
            warden_parent=${warden_walk:-/}; warden_walk=$warden_walk/$warden_part
            if [ ! -e "$warden_walk" ] && [ ! -L "$warden_walk" ]; then
              if [ "$1" != 1 ]; then
                [ -w "$warden_parent" ] || warden_cannot "$warden_me cannot create $warden_walk: $warden_parent is not writable (set host_state_dir to a folder it can create)"
                warden_absent=$warden_walk; return 0
              fi
              mkdir -m 700 -- "$warden_walk" 2>/dev/null || [ -d "$warden_walk" ] || warden_cannot "$warden_me cannot create $warden_walk (set host_state_dir to a folder it can create)"
            fi
            if [ -n "$warden_rest" ]; then warden_check_above "$warden_walk"; else warden_check_own "$warden_walk"; fi
          done
        }
        warden_dir() {
          if [ ! -e "$warden_state/$1" ] && [ ! -L "$warden_state/$1" ]; then
            mkdir -m 700 -- "$warden_state/$1" 2>/dev/null || [ -d "$warden_state/$1" ] || warden_cannot "$warden_me cannot create $warden_state/$1"
          fi
          warden_check_own "$warden_state/$1"
        }

        """
    }

    /// A script that only checks the folder (creating nothing) and prints
    /// `ok PATH` or `absent PATH` (where it would be created); for plans.
    var checkScript: String {
        prelude + """
        warden_make_state 0
        for warden_sub in deadman locks; do
          if [ -z "$warden_absent" ] && { [ -e "$warden_state/$warden_sub" ] || [ -L "$warden_state/$warden_sub" ]; }; then warden_check_own "$warden_state/$warden_sub"; fi
        done
        if [ -n "$warden_absent" ]; then echo "absent $warden_state"; else echo "ok $warden_state"; fi
        """
    }

    /// Runs `script` on `host`; a refusal by the host state checks becomes a `HostStateError`.
    static func run(_ script: String, on host: InventoryHost, transport: any HostTransport) async throws(HostStateError) -> CommandResult {
        let result = try await send(script, on: host, transport: transport)
        if let refusal = refusal(in: result, host: host.name) { throw refusal }
        return result
    }

    /// Runs `script` on `host` (30 s at most); a host that cannot be reached is a `HostStateError`.
    static func send(_ script: String, on host: InventoryHost, transport: any HostTransport) async throws(HostStateError) -> CommandResult {
        do {
            return try await transport.run(RemoteCommand(script, timeout: .seconds(30)), on: host)
        } catch {
            throw HostStateError(host: host.name, kind: .unreachable, message: error.description)
        }
    }

    /// What the checks refused, as a script using the prelude reported it (exit status and
    /// `unsafe: …` / `cannot: …` on stderr); nil when they refused nothing.
    static func refusal(in result: CommandResult, host: String) -> HostStateError? {
        let said = result.stderr.text.split(separator: "\n").map(String.init)
        if result.exitStatus == unsafeStatus, let line = said.last(where: { $0.hasPrefix("unsafe: ") }) {
            return HostStateError(host: host, kind: .unsafe, message: String(line.dropFirst("unsafe: ".count)))
        }
        if result.exitStatus == cannotStatus, let line = said.last(where: { $0.hasPrefix("cannot: ") }) {
            return HostStateError(host: host, kind: .cannotCreate, message: String(line.dropFirst("cannot: ".count)))
        }
        return nil
    }

    /// Checks the folder on `host` without creating anything: its path, and whether it exists yet.
    public func check(on host: InventoryHost, transport: any HostTransport) async throws(HostStateError) -> (path: String, exists: Bool) {
        let result = try await Self.run(checkScript, on: host, transport: transport)
        let line = result.stdout.text.split(separator: "\n").first.map(String.init) ?? ""
        if line.hasPrefix("ok ") { return (String(line.dropFirst(3)), true) }
        if line.hasPrefix("absent ") { return (String(line.dropFirst(7)), false) }
        throw HostStateError(host: host.name, kind: .unexpectedAnswer,
                             message: "checking the host state folder gave exit \(result.exitStatus.map(String.init) ?? "?"): "
                                + String((result.stderr.text + line).prefix(300)))
    }
}
