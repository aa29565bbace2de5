#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The local user's name and home folder, as an inventory's defaults need
/// them: from the environment the loader was given (so tests and callers
/// control it), falling back to the password database.
enum LocalAccount {
    static func userName(environment: [String: String]) -> String? {
        if let user = environment["USER"], !user.isEmpty { return user }
        return passwordEntry()?.name
    }

    static func homeDirectory(environment: [String: String]) -> String? {
        if let home = environment["HOME"], !home.isEmpty { return home }
        return passwordEntry()?.home
    }

    private static func passwordEntry() -> (name: String, home: String)? {
        // getpwuid_r rather than getpwuid: loads may run on several threads.
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16 * 1024)
        let status = getpwuid_r(geteuid(), &entry, &buffer, buffer.count, &result)
        guard status == 0, result != nil, let name = entry.pw_name, let home = entry.pw_dir else { return nil }
        return (String(cString: name), String(cString: home))
    }
}
