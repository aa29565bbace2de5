import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Words for a symbolic link found where Warden keeps its own files (the
/// state folder, a run's artifact folder): whoever can write to the folder
/// can plant one, and following it would let them aim Warden's writes or
/// mode changes at a file of their choosing.
enum PlantedLink {
    /// Where the link at `name` in the open folder `folder` points, for messages.
    static func target(in folder: Int32, _ name: String) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlinkat(folder, name, &buffer, buffer.count - 1)
        guard count >= 0 else { return "a target that cannot be read" }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Where the link at `path` points, for messages.
    static func target(of path: String) -> String {
        target(in: AT_FDCWD, path)
    }

    /// The whole refusal: the path, what it points to, and what to do.
    static func refusal(_ path: String, pointsTo target: String, folder: String) -> String {
        "\(path) is a symbolic link to \(target); Warden does not follow links in its own folders (anyone who can write to \(folder) can plant one). "
            + "Check that \(target) is intact, remove the link (rm '\(path)'), and keep \(folder) writable only by those who run Warden"
    }
}
