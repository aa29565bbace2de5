import Foundation

/// Who is running this process: the operating-system user, never a name
/// typed on a command line. Approvals, audit records and locks carry it.
public enum OperatingSystemUser {
    public static var name: String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name {
            return String(cString: name)
        }
        return "uid \(geteuid())"
    }

    /// `hostname:pid` of this process, to tell a live controller from a dead one.
    public static var controller: String {
        "\(ProcessInfo.processInfo.hostName):\(getpid())"
    }

    /// Whether the controller named `controller` (as `controller` makes it) is known to be
    /// dead: it ran on this machine and its process no longer exists. One on another machine
    /// cannot be checked, so it is never called gone here (its locks lapse with their leases).
    public static func isGone(_ controller: String) -> Bool {
        let parts = controller.split(separator: ":")
        guard parts.count == 2, String(parts[0]) == ProcessInfo.processInfo.hostName, let pid = Int32(parts[1]) else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }
}
