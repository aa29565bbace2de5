import Foundation

/// Starts a fleet of `hosts` sshd servers for one test and always stops it,
/// whatever `body` does (returns or throws); starting and stopping run off
/// the cooperative pool. `name` labels the fleet's folder (the test's name
/// by default).
///
/// ```swift
/// @Test func restartsEveryHost() async throws {
///     try await withFleet(hosts: 3, logCommands: true) { fleet in
///         let run = try await warden(["run", "restart.yaml", "-i", fleet.inventoryPath, "--yes"])
///         #expect(run.status == 0)
///     }
/// }
/// ```
public func withFleet<T>(hosts: Int = 1, logCommands: Bool = false, behindBastion: Bool = false, name: String = #function,
                         _ body: (LoopbackFleet) async throws -> T) async throws -> T {
    let label = String(name.prefix(while: { $0 != "(" }))
    let fleet = try await LoopbackFleet.start(hosts: hosts, name: label, logCommands: logCommands, behindBastion: behindBastion)
    do {
        let value = try await body(fleet)
        await fleet.stop()
        return value
    } catch {
        await fleet.stop()
        throw error
    }
}
