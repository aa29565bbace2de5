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
}
