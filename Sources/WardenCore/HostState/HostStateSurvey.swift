/// What one host holds of Warden's: the lock directories and deadmen in its
/// host state folder, and anything left in the world-writable `/tmp` folders
/// Warden 0.x used (`HostStateFolder.legacyFolders`), which this version
/// never uses and never trusts but reports, so that an operator upgrading
/// finds a lock or an armed deadman the old version left behind. Read-only:
/// the survey creates nothing and runs nothing it finds.
public struct HostStateSurvey: Sendable, Equatable {
    public let host: String
    /// The host state folder's path; nil when it could not be examined.
    public var folder: String?
    /// False when it does not exist yet (nothing held).
    public var exists = false
    /// Why the folder is not trusted, when it is not.
    public var problem: String?
    public var locks: [Lock] = []
    public var deadmen: [Entry] = []
    /// What sits in the old `/tmp` folders.
    public var legacy: [Legacy] = []

    /// A lock directory: its name on the host and the owner file's fields.
    public struct Lock: Sendable, Equatable {
        public let name: String
        public let run: String
        public let owner: String
        /// Seconds since 1970 by the host's clock; nil when unreadable.
        public let expires: Int?
    }

    /// A deadman folder and its state (`armed`, `disarmed`, `firing`, `fired`).
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let status: String
    }

    /// One of the old `/tmp` folders, as found: who owns it and what it holds.
    public struct Legacy: Sendable, Equatable {
        public let folder: String
        /// `owner NAME (uid N), mode PERMS` as `ls` showed it.
        public let found: String
        /// Entries with their state (a deadman's marker, or `lock` with its owner file's run).
        public let entries: [Entry]
    }

    public init(host: String) {
        self.host = host
    }

    /// Surveys `host`. A host that cannot be reached throws; a folder that is not safe is a `problem`.
    public static func take(on host: InventoryHost, transport: any HostTransport) async throws(HostStateError) -> HostStateSurvey {
        let folder = HostStateFolder(for: host)
        let legacy = HostStateFolder.legacyFolders.map(ShellQuoting.quote).joined(separator: " ")
        // Fields are separated by tabs; names are Warden's own safe names, but whatever the old folders
        // hold is anyone's text, so every field is read as data and shown escaped.
        let script = """
        for f in \(legacy); do
          { [ -e "$f" ] || [ -L "$f" ]; } || continue
          set -f; set -- $(ls -ld -- "$f" 2>/dev/null); set +f
          printf 'legacy\\t%s\\t%s\\n' "$f" "owner ${3:-?}, mode ${1:-?}$( [ -L "$f" ] && echo ', a symbolic link')"
          [ -d "$f" ] && [ ! -L "$f" ] || continue
          for e in "$f"/*; do
            [ -e "$e" ] || continue
            s=
            for m in fired firing disarmed armed; do [ -e "$e/$m" ] && { s=$m; break; }; done
            [ -z "$s" ] && [ -f "$e/owner" ] && s="lock of run $(sed -n 's/^run=//p' "$e/owner" 2>/dev/null | head -n 1)"
            printf 'legacy-entry\\t%s\\t%s\\t%s\\n' "$f" "${e##*/}" "${s:-unknown}"
          done
        done
        ( \(folder.prelude)
        warden_make_state 0
        if [ -n "$warden_absent" ]; then printf 'state\\t%s\\tabsent\\n' "$warden_state"; exit 0; fi
        printf 'state\\t%s\\tok\\n' "$warden_state"
        if [ -d "$warden_state/locks" ]; then
          warden_check_own "$warden_state/locks"
          for l in "$warden_state"/locks/*; do
            case $l in *.mutex) continue;; esac
            [ -e "$l/owner" ] || continue
            warden_check_own "$l"; warden_check_own "$l/owner"
            printf 'lock\\t%s\\t%s\\t%s\\t%s\\n' "${l##*/}" "$(sed -n 's/^run=//p' "$l/owner")" "$(sed -n 's/^expires=//p' "$l/owner")" "$(sed -n 's/^owner=//p' "$l/owner")"
          done
        fi
        if [ -d "$warden_state/deadman" ]; then
          warden_check_own "$warden_state/deadman"
          for e in "$warden_state"/deadman/*; do
            [ -d "$e" ] || continue
            s=unknown; for m in fired firing disarmed armed; do [ -e "$e/$m" ] && { s=$m; break; }; done
            printf 'deadman\\t%s\\t%s\\n' "${e##*/}" "$s"
          done
        fi
        )
        """
        let result = try await HostStateFolder.send(script, on: host, transport: transport)
        var survey = HostStateSurvey(host: host.name)
        var legacyEntries: [String: [Entry]] = [:]
        var legacyFound: [(String, String)] = []
        for line in result.stdout.text.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            switch (fields.first, fields.count) {
            case ("state", 3):
                survey.folder = fields[1]
                survey.exists = fields[2] == "ok"
            case ("lock", 5):
                survey.locks.append(Lock(name: fields[1], run: fields[2], owner: fields[4], expires: Int(fields[3])))
            case ("deadman", 3):
                survey.deadmen.append(Entry(name: fields[1], status: fields[2]))
            case ("legacy", 3):
                legacyFound.append((fields[1], fields[2]))
            case ("legacy-entry", 4):
                legacyEntries[fields[1], default: []].append(Entry(name: fields[2], status: fields[3]))
            default:
                continue
            }
        }
        survey.legacy = legacyFound.map { Legacy(folder: $0.0, found: $0.1, entries: legacyEntries[$0.0] ?? []) }
        if let refusal = HostStateFolder.refusal(in: result, host: host.name) {
            survey.problem = refusal.message
        } else if !result.succeeded {
            survey.problem = "the survey ended with exit \(result.exitStatus.map(String.init) ?? "?"): " + String(result.stderr.text.prefix(300))
        }
        return survey
    }
}
