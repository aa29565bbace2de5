import Foundation
import Synchronization

/// The marker lines of a known_hosts file, which libssh 0.10 does not
/// understand: `@cert-authority` (trust host certificates a CA signed) and
/// `@revoked` (never trust this key). libssh skips both, so Warden reads them
/// itself: a revoked key is refused even when a plain line lists it, and a
/// host that only a CA line could vouch for is refused with a message saying
/// so (libssh 0.10 cannot check host certificates; a CA line never lets a
/// host in).
struct KnownHostsMarkers: Sendable {
    /// Base64 key blobs of `@revoked` lines, with their line numbers.
    var revoked: [String: Int] = [:]
    /// Line numbers of `@cert-authority` lines.
    var certificateAuthorities: [Int] = []

    /// The markers of the file at `path` as it is now. Read once per version of the file
    /// (device, inode, size and modification time): a fan-out to a thousand hosts whose keys
    /// are in one known_hosts file would otherwise read and scan it a thousand times.
    init(path: String) {
        self = Self.markers(of: path)
    }

    private static func markers(of path: String) -> KnownHostsMarkers {
        var info = stat()
        guard stat(path, &info) == 0 else { return KnownHostsMarkers(bytes: Data()) }
        let version = FileVersion(info)
        if let known = cache.withLock({ $0[path] }), known.version == version { return known.markers }
        guard let data = FileManager.default.contents(atPath: path) else { return KnownHostsMarkers(bytes: Data()) }
        let markers = KnownHostsMarkers(bytes: data)
        cache.withLock { cache in
            // A handful of known_hosts files at most; a bound all the same.
            if cache.count >= 16 { cache.removeAll() }
            cache[path] = (version, markers)
        }
        return markers
    }

    /// The markers of a file's contents. Only lines starting (after blanks) with `@` are split:
    /// a plain line, nearly all of them, is passed over byte by byte.
    init(bytes data: Data) {
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            let bytes = buffer.bindMemory(to: UInt8.self)
            var line = 1
            var start = 0
            while start <= bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
                var first = start
                while first < end, bytes[first] == UInt8(ascii: " ") || bytes[first] == UInt8(ascii: "\t") { first += 1 }
                if first < end, bytes[first] == UInt8(ascii: "@") {
                    record(String(decoding: UnsafeBufferPointer(rebasing: bytes[first..<end]), as: UTF8.self), line: line)
                }
                line += 1
                start = end + 1
            }
        }
    }

    private mutating func record(_ text: String, line: Int) {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
        switch fields.first {
        case "@revoked" where fields.count >= 4:
            revoked[String(fields[3])] = line
        case "@cert-authority":
            certificateAuthorities.append(line)
        default:
            break
        }
    }

    /// Which version of a file markers were read from.
    private struct FileVersion: Equatable {
        let device: UInt64
        let inode: UInt64
        let size: Int64
        let modified: Int
        let modifiedNanoseconds: Int

        init(_ info: stat) {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            size = Int64(info.st_size)
            modified = Int(info.st_mtim.tv_sec)
            modifiedNanoseconds = Int(info.st_mtim.tv_nsec)
        }
    }

    private static let cache = Mutex<[String: (version: FileVersion, markers: KnownHostsMarkers)]>([:])
}
