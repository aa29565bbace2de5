import Foundation

extension LoopbackFleet {
    /// Writes an inventory in which one fleet host belongs to `groups` and has
    /// `vars` (each value written as YAML as given, e.g. a flow list of
    /// words `[env, "X=1", /path/to/shell]`), the way a site's inventory names
    /// its admin host and how its shell starts; returns the file's path.
    public func writeInventory(named name: String, host index: Int = 0, groups: [String], vars: [(String, String)] = []) throws -> String {
        let host = hosts[index]
        var text = """
            defaults:
              user: \(user)
              identity_file: "\(clientKeyPath)"
              known_hosts: "\(knownHostsPath)"
              connect_timeout: 20s
            hosts:
              \(host.name):
                address: \(host.address)
                port: \(port)
                groups: [\(groups.joined(separator: ", "))]
                host_state_dir: "\(stateFolder(of: host))"

            """
        if !vars.isEmpty {
            text += "    vars:\n" + vars.map { "      \($0.0): \($0.1)\n" }.joined()
        }
        let path = directory.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The folder where Warden keeps its locks and deadmen on `host`
    /// (`host_state_dir` in the fleet's inventories): one per host, as on
    /// separate machines.
    public func stateFolder(of host: Host) -> String {
        directory.appendingPathComponent("hosts").appendingPathComponent(host.name).appendingPathComponent("state").path
    }
}
