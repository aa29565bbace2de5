import Foundation

/// A revert armed on a host before a change (`deadman:` on a step): a
/// detached timer on the host runs the revert command after a while unless
/// the run disarms it. It is the host's own way back to safety when the
/// controller vanishes (kill -9, power loss, a lost network).
///
/// The folder `/tmp/warden-deadman/<run>.<step>` holds the command, the
/// timer's pid and an `armed` marker. Firing and disarming both start by
/// renaming `armed`, so exactly one of them wins.
public struct Deadman: Sendable, Hashable, Codable {
    public static let folder = "/tmp/warden-deadman"

    public let host: String
    public let step: String
    public let path: String
    /// When it fires, by the controller's clock (seconds since 1970).
    public let firesAt: Double

    /// What disarming found.
    public enum Disarmed: Sendable, Equatable {
        case disarmed
        /// It had fired already: the revert ran, with this exit status.
        case fired(exit: String)
        case firing
        /// Nothing armed there (removed by hand, or the host was rebooted).
        case missing
    }

    /// Where the deadman of a run's step lives on its hosts.
    public static func path(runID: String, step: String) -> String {
        folder + "/" + HostLock.safeName("\(runID).\(step)")
    }

    /// Arms the revert on `host`. Returns why not when it cannot: the change must not go ahead without it.
    public static func arm(
        _ command: String, after: Duration, runID: String, step: String, host: InventoryHost, transport: any HostTransport
    ) async -> Result<Deadman, DeadmanError> {
        let path = Deadman.path(runID: runID, step: step)
        let seconds = max(1, Int((after.milliseconds / 1000).rounded(.up)))
        let script = """
        set -u; umask 077
        mkdir -p \(ShellQuoting.quote(folder)) 2>/dev/null; chmod 1777 \(ShellQuoting.quote(folder)) 2>/dev/null
        d=\(ShellQuoting.quote(path))
        rm -rf "$d" && mkdir "$d" || exit 4
        printf '%s\\n' \(ShellQuoting.quote(command)) > "$d/command" || exit 4
        : > "$d/armed"
        fire='sleep "$1"; mv "$2/armed" "$2/firing" 2>/dev/null || exit 0; sh "$2/command" > "$2/fired.log" 2>&1; echo $? > "$2/fired"'
        if command -v setsid >/dev/null 2>&1; then
          setsid sh -c "$fire" deadman \(seconds) "$d" </dev/null >/dev/null 2>&1 &
        else
          nohup sh -c "$fire" deadman \(seconds) "$d" </dev/null >/dev/null 2>&1 &
        fi
        echo $! > "$d/pid"; echo armed
        """
        do {
            let result = try await transport.run(RemoteCommand(script, timeout: .seconds(30)), on: host)
            guard result.stdout.text.hasPrefix("armed") else {
                let cause = result.stderr.text.trimmingCharacters(in: .whitespacesAndNewlines)
                return .failure(DeadmanError(description: "the deadman could not be armed in \(path) (exit \(result.exitStatus.map(String.init) ?? "?"))"
                    + (cause.isEmpty ? "" : ": " + String(cause.prefix(300)))))
            }
        } catch {
            return .failure(DeadmanError(description: "the deadman could not be armed: \(error.description)"))
        }
        return .success(Deadman(host: host.name, step: step, path: path, firesAt: Date().timeIntervalSince1970 + Double(seconds)))
    }

    /// Disarms it: the revert will not run. Reports if it already did.
    public func disarm(on host: InventoryHost, transport: any HostTransport) async -> Result<Disarmed, DeadmanError> {
        let script = """
        d=\(ShellQuoting.quote(path))
        if mv "$d/armed" "$d/disarmed" 2>/dev/null; then
          pid=$(cat "$d/pid" 2>/dev/null); [ -n "$pid" ] && { kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null; }
          echo disarmed
        elif [ -e "$d/fired" ]; then echo "fired $(cat "$d/fired")"
        elif [ -e "$d/firing" ]; then echo firing
        else echo missing; fi
        """
        do {
            let result = try await transport.run(RemoteCommand(script, timeout: .seconds(30)), on: host)
            let answer = result.stdout.text.trimmingCharacters(in: .whitespacesAndNewlines)
            switch answer {
            case "disarmed": return .success(.disarmed)
            case "firing": return .success(.firing)
            case "missing": return .success(.missing)
            case let fired where fired.hasPrefix("fired "): return .success(.fired(exit: String(fired.dropFirst(6))))
            default: return .failure(DeadmanError(description: "unexpected answer from \(path): '\(answer.prefix(200))'"))
            }
        } catch {
            return .failure(DeadmanError(description: error.description))
        }
    }
}

/// A deadman that could not be armed or disarmed.
public struct DeadmanError: Error, Sendable, CustomStringConvertible {
    public let description: String
}
