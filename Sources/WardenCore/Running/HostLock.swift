import Foundation

/// A run lock held on a host as a lock directory, so that runs started from
/// different controllers (each with its own state folder) exclude each
/// other on the cluster itself. The directory holds an `owner` file with the
/// run id, who holds it and when the lease expires by the host's clock.
///
/// `mkdir` is the atomic step that takes a free lock. Every rewrite of the
/// owner file (renewal, takeover of a lapsed lease, release) happens under a
/// second directory used as a mutex, so a renewal racing a takeover cannot
/// overwrite the new owner. A mutex left by a killed writer is removed
/// after a minute.
public struct HostLock: Sendable {
    /// Shared by every account on the host; sticky, like /tmp itself.
    public static let folder = "/tmp/warden-locks"

    public let name: String
    public let runID: String
    /// `user on controller`, shown to whoever finds it held.
    public let owner: String
    public let lease: Duration

    public init(name: String, runID: String, owner: String, lease: Duration) {
        self.name = name
        self.runID = runID
        self.owner = owner
        self.lease = lease
    }

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

    public func acquire(on host: InventoryHost, transport: any HostTransport) async throws -> Answer {
        try await send(script(action: "acquire"), to: host, transport: transport)
    }

    public func renew(on host: InventoryHost, transport: any HostTransport) async throws -> Answer {
        try await send(script(action: "renew"), to: host, transport: transport)
    }

    public func release(on host: InventoryHost, transport: any HostTransport) async throws -> Answer {
        try await send(script(action: "release"), to: host, transport: transport)
    }

    private func send(_ script: String, to host: InventoryHost, transport: any HostTransport) async throws -> Answer {
        let result = try await transport.run(RemoteCommand(script, timeout: .seconds(30)), on: host)
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
            throw HostLockError(description: "\(host.name): the lock directory \(Self.folder)/\(name) could not be handled (exit \(result.exitStatus.map(String.init) ?? "?")): "
                                    + (cause.isEmpty ? "no output" : String(cause.prefix(300))))
        }
    }

    /// One POSIX sh script per action; every value is shell-quoted.
    func script(action: String) -> String {
        let seconds = max(1, Int(lease.milliseconds / 1000))
        return """
        set -u; umask 000
        folder=\(ShellQuoting.quote(Self.folder)); lock="$folder"/\(ShellQuoting.quote(Self.safeName(name)))
        run=\(ShellQuoting.quote(runID)); owner=\(ShellQuoting.quote(owner)); lease=\(seconds); action=\(action)
        mkdir -p "$folder" 2>/dev/null && chmod 1777 "$folder" 2>/dev/null
        write_owner() { printf 'run=%s\\nowner=%s\\nexpires=%s\\n' "$run" "$owner" "$(( $(date +%s) + lease ))" > "$lock/owner.$$" && mv -f "$lock/owner.$$" "$lock/owner"; }
        field() { sed -n "s/^$1=//p" "$lock/owner" 2>/dev/null; }
        if [ "$action" = acquire ] && mkdir "$lock" 2>/dev/null; then write_owner && echo acquired; exit; fi
        [ -d "$lock" ] || { [ "$action" = release ] && echo released || echo lost; exit 0; }
        tries=0
        until mkdir "$lock.mutex" 2>/dev/null; do
          if [ -n "$(find "$lock.mutex" -maxdepth 0 -mmin +1 2>/dev/null)" ]; then rmdir "$lock.mutex" 2>/dev/null; fi
          tries=$((tries + 1)); [ $tries -gt 100 ] && { echo "lock mutex $lock.mutex busy" >&2; exit 4; }
          sleep 0.1
        done
        trap 'rmdir "$lock.mutex" 2>/dev/null' EXIT
        held=$(field run); expires=$(field expires)
        case "$action" in
          acquire)
            if [ "$held" = "$run" ]; then write_owner && echo acquired
            elif [ -n "$expires" ] && [ "$expires" -lt "$(date +%s)" ]; then write_owner && echo "taken-over $held"
            else echo held; cat "$lock/owner" 2>/dev/null; fi ;;
          renew)
            if [ "$held" = "$run" ]; then write_owner && echo renewed; else echo lost; fi ;;
          release)
            if [ "$held" = "$run" ]; then rm -rf "$lock" && echo released; else echo lost; fi ;;
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

/// A lock directory the host could not handle (not a lock held: that is an answer).
public struct HostLockError: Error, Sendable, CustomStringConvertible {
    public let description: String
}
