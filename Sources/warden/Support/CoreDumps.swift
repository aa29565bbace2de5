import Foundation
#if os(Linux)
import CProcessControl
#endif

/// Keeps `warden`'s memory from ending up on disk. A core file would hold
/// what the process held when it crashed: secret parameters, key
/// passphrases, everything the hosts printed; and it is written where
/// whoever collects crashes can read it.
enum CoreDumps {
    /// Called first thing at start, before anything secret is read. Best
    /// effort: a process that cannot lower its own limits is still safe to
    /// run, only less so if it crashes.
    static func forbid() {
        // Soft and hard: nothing this process later does can raise it again.
        var none = rlimit(rlim_cur: 0, rlim_max: 0)
        _ = setrlimit(RLIMIT_CORE_VALUE, &none)
        #if os(Linux)
        // Also not dumpable: a core pattern that pipes to a collector
        // (systemd-coredump, apport) may not honour RLIMIT_CORE, and a
        // non-dumpable process cannot be attached to or read through
        // /proc/PID/mem by the user's other processes either.
        _ = cprocesscontrol_set_not_dumpable()
        #endif
    }

    #if os(Linux)
    private static let RLIMIT_CORE_VALUE = __rlimit_resource_t(RLIMIT_CORE.rawValue)
    #else
    private static let RLIMIT_CORE_VALUE = RLIMIT_CORE
    #endif
}
