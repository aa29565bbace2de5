import Foundation

/// The `warden` executable to test: `WARDEN_BINARY` when set, else the one
/// built next to the test bundle (`swift build --build-tests` builds both).
public func wardenBinary() throws(WardenTestFailure) -> String {
    if let path = ProcessInfo.processInfo.environment["WARDEN_BINARY"], !path.isEmpty { return path }
    let candidates = [
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("warden").path,
        Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("warden").path,
    ]
    guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
        throw WardenTestFailure("the warden executable is not built (looked at \(candidates)); run swift build --build-tests first, or set WARDEN_BINARY")
    }
    return found
}
