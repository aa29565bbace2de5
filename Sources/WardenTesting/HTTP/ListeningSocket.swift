import Foundation

/// Who listens on a TCP port of this machine, read from `/proc` (Linux).
///
/// Tests pick free ports at random and start servers on them, many side by side: two tests can
/// pick the same port, and then one server gets it and the other exits with "Address already in
/// use". A test that only probed the port (`/healthz` answered) would take the other test's
/// server for its own and talk to a stranger (its tokens unknown there: 401s for everything).
/// So a server counts as ready only once its own process holds the listening socket.
enum ListeningSocket {
    /// Whether process `pid` holds a socket listening on TCP `port` (IPv4 or IPv6); nil where
    /// `/proc` cannot tell (another system): the caller then trusts its probe alone.
    static func isHeld(on port: Int, by pid: pid_t) -> Bool? {
        guard let inodes = listeningInodes(port: port) else { return nil }
        guard !inodes.isEmpty,
              let descriptors = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd") else { return false }
        for descriptor in descriptors {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(descriptor)"),
                  target.hasPrefix("socket:["), target.hasSuffix("]") else { continue }
            if inodes.contains(String(target.dropFirst("socket:[".count).dropLast())) { return true }
        }
        return false
    }

    /// The inodes of the sockets listening on `port`, from `/proc/net/tcp` and `tcp6`; nil without them.
    private static func listeningInodes(port: Int) -> Set<String>? {
        let tables = ["/proc/net/tcp", "/proc/net/tcp6"].compactMap { try? String(contentsOfFile: $0, encoding: .utf8) }
        guard !tables.isEmpty else { return nil }
        let hexPort = String(format: "%04X", port)
        var inodes: Set<String> = []
        // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
        for line in tables.flatMap({ $0.split(separator: "\n").dropFirst() }) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count > 9, fields[3] == "0A", fields[1].split(separator: ":").last.map(String.init) == hexPort else { continue }
            inodes.insert(String(fields[9]))
        }
        return inodes
    }
}
