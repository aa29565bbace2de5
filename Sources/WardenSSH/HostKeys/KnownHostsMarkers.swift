import Foundation

/// The marker lines of a known_hosts file, which libssh 0.10 does not
/// understand: `@cert-authority` (trust host certificates a CA signed) and
/// `@revoked` (never trust this key). libssh skips both, so Warden reads them
/// itself: a revoked key is refused even when a plain line lists it, and a
/// host that only a CA line could vouch for is refused with a message saying
/// so (libssh 0.10 cannot check host certificates; a CA line never lets a
/// host in).
struct KnownHostsMarkers {
    /// Base64 key blobs of `@revoked` lines, with their line numbers.
    var revoked: [String: Int] = [:]
    /// Line numbers of `@cert-authority` lines.
    var certificateAuthorities: [Int] = []

    init(path: String) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return }
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let marker = fields.first, marker.hasPrefix("@") else { continue }
            switch marker {
            case "@revoked" where fields.count >= 4:
                revoked[String(fields[3])] = index + 1
            case "@cert-authority":
                certificateAuthorities.append(index + 1)
            default:
                continue
            }
        }
    }
}
