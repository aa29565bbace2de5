import Foundation

/// The Warden package's folder, where the fleet script (`Tests/Fleet/fleet`)
/// and the shell doubles (`Tests/Doubles`) live. Found from this source
/// file's place, which holds for this repository and for a package that
/// depends on Warden (SwiftPM checks out the whole repository);
/// `WARDEN_PACKAGE_ROOT` overrides it.
public enum PackageRoot {
    public static var url: URL {
        if let override = ProcessInfo.processInfo.environment["WARDEN_PACKAGE_ROOT"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        return URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent()  // Support
            .deletingLastPathComponent()  // WardenTesting
            .deletingLastPathComponent()  // Sources
            .deletingLastPathComponent()  // the package
    }
}
