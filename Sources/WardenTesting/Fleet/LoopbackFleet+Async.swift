import Foundation

/// The fleet from async tests: starting and stopping it, and commands on the
/// controller, wait for processes (`waitpid`), so they run on a thread of
/// their own and never block the cooperative pool (two threads here) that
/// every other test of the process shares.
extension LoopbackFleet {
    /// `start(hosts:name:port:timeout:logCommands:)`, off the cooperative pool.
    public static func start(
        hosts count: Int, name: String, port: Int = 2222, timeout: Int = 30, logCommands: Bool = false, behindBastion: Bool = false
    ) async throws -> LoopbackFleet {
        try await onDedicatedThread {
            try start(hosts: count, name: name, port: port, timeout: timeout, logCommands: logCommands, behindBastion: behindBastion)
        }
    }

    /// `stop()`, off the cooperative pool.
    public func stop() async {
        _ = try? await onDedicatedThread { self.stop() }
    }

    /// `stopChecked()`, off the cooperative pool.
    public func stopChecked() async throws {
        try await onDedicatedThread { try self.stopChecked() }
    }

    /// `runOnController(_:)`, off the cooperative pool.
    public func runOnController(_ shell: String) async throws -> (status: Int32, output: String) {
        try await onDedicatedThread { try self.runOnController(shell) }
    }
}
