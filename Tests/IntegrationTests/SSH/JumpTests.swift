import Foundation
import Testing
import WardenCore
import WardenSSH
import WardenSSHTransport
import WardenTesting

/// Hosts only a bastion can reach (a network namespace of their own, see
/// `Tests/Fleet/fleet --behind-bastion`), reached through it.
@Suite("Jump hosts against real sshd")
struct JumpTests {
    private func hosts(_ fleet: LoopbackFleet, _ pattern: String = "fleet") throws -> [InventoryHost] {
        try Inventory.load(path: fleet.inventoryPath).select(pattern)
    }

    private func run(_ command: String, on hosts: [InventoryHost], with transport: SSHTransport) async -> [String: Result<CommandResult, TransportError>] {
        await withTaskGroup(of: (String, Result<CommandResult, TransportError>).self) { group in
            for host in hosts {
                group.addTask {
                    do throws(TransportError) {
                        return (host.name, .success(try await transport.run(RemoteCommand(command, timeout: .seconds(30)), on: host)))
                    } catch {
                        return (host.name, .failure(error))
                    }
                }
            }
            var results: [String: Result<CommandResult, TransportError>] = [:]
            for await (name, result) in group { results[name] = result }
            return results
        }
    }

    @Test func fiftyHostsBehindOneBastionShareOneSessionToIt() async throws {
        try await withFleet(hosts: 51, behindBastion: true) { fleet in
            // Not reachable from here, only through the bastion.
            let direct = try await fleet.controller("exec 3<>/dev/tcp/\(fleet.hosts[1].address)/\(fleet.port) && echo reached || echo refused")
            #expect(direct.output.contains("refused"), "\(direct.output)")
            let targets = try hosts(fleet)
            #expect(targets.count == 50 && targets.allSatisfy { $0.jump.description == "h01" })
            let transport = SSHTransport()
            let results = await run(#"echo "$SSH_CONNECTION""#, on: targets, with: transport)
            for host in targets {
                let text = (try? results[host.name]?.get())?.stdout.text ?? "\(String(describing: results[host.name]))"
                #expect(text.hasSuffix(" \(host.address) \(fleet.port)\n"), "\(host.name): \(text)")
            }
            await transport.close()
            #expect(fleet.acceptedLogins(0) == 1, "the bastion's sshd accepted \(fleet.acceptedLogins(0)) logins")
        }
    }

    @Test func aBastionThatFailsNamesItselfInEveryHostsError() async throws {
        try await withFleet(hosts: 4, behindBastion: true) { fleet in
            let targets = try hosts(fleet)
            // A changed bastion key: the controller's known_hosts says another key for it.
            let original = try String(contentsOfFile: fleet.knownHostsPath, encoding: .utf8)
            let other = try await fleet.shell("ssh-keygen -q -t ed25519 -N '' -f \(fleet.directory.path)/other-key <<< y >/dev/null; cut -d' ' -f1-2 \(fleet.directory.path)/other-key.pub")
            let bastionLine = original.split(separator: "\n").first { $0.hasPrefix("[10.") }.map(String.init) ?? ""
            let keyText = other.trimmingCharacters(in: .whitespacesAndNewlines)
            let changed = original.replacingOccurrences(of: bastionLine, with: (bastionLine.split(separator: " ").first.map(String.init) ?? "") + " " + keyText)
            try changed.write(toFile: fleet.knownHostsPath, atomically: true, encoding: .utf8)
            #expect(targets.count == 3)
            let transport = SSHTransport()
            for (name, result) in await run("true", on: targets, with: transport) {
                guard case let .failure(error) = result else { Issue.record("\(name) was reached through a bastion with a changed key"); continue }
                #expect(error.description.contains("its jump host h01") && error.description.contains("HOST KEY CHANGED"), "\(error)")
                #expect(error.description.hasPrefix("\(name) ("), "\(error)")
            }
            await transport.close()

            // A dead bastion.
            try original.write(toFile: fleet.knownHostsPath, atomically: true, encoding: .utf8)
            try await fleet.stopSSHD("h01")
            let again = SSHTransport()
            for (name, result) in await run("true", on: targets, with: again) {
                guard case let .failure(error) = result else { Issue.record("\(name) was reached through a dead bastion"); continue }
                #expect(error.kind == .unreachable, "\(error)")
                #expect(error.description.contains("its jump host h01 (10.") && error.description.contains("unreachable"), "\(error)")
            }
            await again.close()
        }
    }

    @Test func aTwoHopChainAndATargetTheBastionCannotReach() async throws {
        try await withFleet(hosts: 5, behindBastion: true) { fleet in
            // h04 through h01 then h02; h03's sshd is stopped, so the bastion cannot reach it, nor h05 through it.
            let inventory = try String(contentsOfFile: fleet.inventoryPath, encoding: .utf8)
            let chained = inventory.replacingOccurrences(of: "host_state_dir: \(fleet.directory.path)/hosts/h04/state\n    jump: h01",
                                                         with: "host_state_dir: \(fleet.directory.path)/hosts/h04/state\n    jump: [h01, h02]")
                .replacingOccurrences(of: "host_state_dir: \(fleet.directory.path)/hosts/h05/state\n    jump: h01",
                                      with: "host_state_dir: \(fleet.directory.path)/hosts/h05/state\n    jump: [h01, h03]")
            #expect(chained.contains("jump: [h01, h02]") && chained.contains("jump: [h01, h03]"))
            try chained.write(toFile: fleet.inventoryPath, atomically: true, encoding: .utf8)
            try await fleet.stopSSHD("h03")
            let all = try hosts(fleet)
            let transport = SSHTransport()
            let results = await run(#"echo "$SSH_CONNECTION""#, on: all, with: transport)
            let h04 = (try? results["h04"]?.get())?.stdout.text ?? ""
            #expect(h04.hasSuffix(" \(fleet.hosts[3].address) \(fleet.port)\n"), "\(String(describing: results["h04"]))")
            #expect(fleet.log(of: fleet.hosts[1]).contains("Accepted publickey"), "h02 never carried h04's session")
            guard case let .failure(error)? = results["h03"] else { Issue.record("h03 answered with its sshd stopped"); return }
            #expect(error.description.contains("through jump host h01") && error.description.contains("could not reach"), "\(error)")
            // A hop that fails in a chain is named inside the target's own error, which names the target.
            guard case let .failure(chainError)? = results["h05"] else { Issue.record("h05 answered through a dead hop"); return }
            #expect(chainError.description.hasPrefix("h05 ("), "\(chainError)")
            #expect(chainError.description.contains("its jump host h03 (") && chainError.description.contains("through jump host h01"), "\(chainError)")
            await transport.close()
        }
    }
}
