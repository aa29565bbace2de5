import Foundation
import WardenCore

/// Everything the transport keeps of one in-memory host (guarded by the transport's lock).
struct InMemoryHost {
    var state: InMemoryHostState
    /// Every command that reached the host, oldest first.
    var received: [RemoteCommand] = []
    /// Every path a fetch asked for, oldest first.
    var fetched: [String] = []
    /// Connections fail with this kind before anything reaches the host.
    var connectionFailure: TransportError.Kind?
    /// The next connection takes this long (on the transport's clock) before its command can leave.
    var slowConnection: Duration?
    /// Process groups alive on the host: commands under way, and leftovers a test declared.
    var liveGroups: Set<Int32> = []
    /// Deadmen by folder path (the latest armed at each).
    var deadmen: [String: InMemoryDeadman] = [:]
    /// Every deadman ever armed, oldest first (superseded ones included).
    var deadmanHistory: [InMemoryDeadman] = []
    /// Lock directories by name.
    var locks: [String: InMemoryHostLock] = [:]
    /// Whether Warden's host state folder exists yet.
    var stateFolderExists = false
    /// Makes every host state script refuse, as an unsafe or uncreatable folder would.
    var stateFolderRefusal: (kind: HostStateError.Kind, message: String)?

    init(name: String) {
        state = InMemoryHostState(name: name)
    }
}
