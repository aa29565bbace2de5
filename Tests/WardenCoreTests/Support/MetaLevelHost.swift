import Foundation
import WardenTesting

/// The admin host of a Pegasus cluster as the engine tests model it on an
/// in-memory transport: its meta level is a host variable that
/// `set_meta_level LEVEL` changes and `get_meta_level` reads (as JSON), and
/// `health` answers what the guards read.
enum MetaLevelHost {
    static let name = "meta1"

    static func install(on transport: InMemoryTransport, host: String = name, level: String = "steady") {
        transport.set("level", to: level, on: host)
        transport.on(.prefix("set_meta_level "), host: host) { command, state in
            state.variables["level"] = String(command.line.dropFirst("set_meta_level ".count))
            return .success("control meta level ok\n")
        }
        transport.on(.equals("get_meta_level"), host: host) { _, state in
            .success("{\"level\": \"\(state.variables["level"] ?? "")\"}\n")
        }
        transport.on(.equals("health"), host: host, reply: .success("{\"ok\": true}\n"))
    }

    /// `name` answers the next of `values` on every call (the last one repeats), as `{"n": VALUE}`:
    /// what a watch reads does not depend on when it reads it, only on how often.
    static func series(_ probe: String, _ values: [Int], on transport: InMemoryTransport, host: String = name) {
        transport.set("\(probe).reads", to: "0", on: host)
        transport.on(.equals(probe), host: host) { _, state in
            let read = Int(state.variables["\(probe).reads"] ?? "0") ?? 0
            state.variables["\(probe).reads"] = String(read + 1)
            return .success("{\"n\": \(values[min(read, values.count - 1)])}\n")
        }
    }

    /// How many times `probe` of `series` was read.
    static func reads(of probe: String, on transport: InMemoryTransport, host: String = name) -> Int {
        Int(transport.variable("\(probe).reads", on: host) ?? "0") ?? 0
    }
}
