import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The peers whose identity header (`X-Forwarded-User` and the like)
/// `warden serve` believes: single addresses and CIDR ranges, IPv4 and
/// IPv6 (`127.0.0.1`, `10.0.0.0/8`, `::1`, `fd00::/8`).
///
/// The rule it serves: a request's identity comes from a header only when
/// the connection itself comes from one of these addresses; from anywhere
/// else the header is ignored and the request needs a token. Anyone can
/// send the header; only the proxy's address cannot be forged over TCP.
///
/// Strict on purpose, since a mistake widens who is believed: a host name
/// is refused (it is not an address, and resolving it would make trust
/// follow DNS), so is a range with host bits set (`10.0.0.1/8`: meant
/// `10.0.0.1/32` or `10.0.0.0/8`?). An IPv4-mapped IPv6 peer
/// (`::ffff:10.0.0.5`, as a dual-stack socket reports IPv4 clients) is
/// matched as the IPv4 address it is.
public struct TrustedProxies: Sendable, Hashable, CustomStringConvertible {
    /// One range: the address's bytes (4 or 16) with the host bits cleared, and the prefix length.
    private struct Range: Sendable, Hashable {
        let bytes: [UInt8]
        let prefix: Int

        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == bytes.count else { return false }
            return TrustedProxies.masked(address, prefix: prefix) == bytes
        }
    }

    /// The entries as given (trimmed).
    public let entries: [String]
    private let ranges: [Range]

    /// No proxy is trusted: identity headers are always ignored.
    public init() {
        entries = []
        ranges = []
    }

    /// Parses `entries`; the first that is not an address or a CIDR range is refused, named.
    public init(_ entries: [String]) throws(TrustedProxiesError) {
        var ranges: [Range] = []
        var kept: [String] = []
        for given in entries {
            let entry = given.trimmingCharacters(in: .whitespaces)
            ranges.append(try TrustedProxies.range(entry, given: given))
            kept.append(entry)
        }
        self.entries = kept
        self.ranges = ranges
    }

    public var description: String {
        entries.isEmpty ? "no trusted proxies" : entries.joined(separator: ", ")
    }

    /// Whether the peer `address` (as the socket reports it: `10.0.0.5`,
    /// `::1`, `::ffff:10.0.0.5`; brackets are allowed) is a trusted proxy.
    /// Anything that is not an address, including one with a zone
    /// (`fe80::1%eth0`), is not.
    public func contains(_ address: String) -> Bool {
        var text = Substring(address)
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        guard let bytes = TrustedProxies.addressBytes(String(text)) else { return false }
        return ranges.contains { $0.contains(bytes) }
    }

    private static func range(_ entry: String, given: String) throws(TrustedProxiesError) -> Range {
        func refused(_ problem: String) -> TrustedProxiesError {
            TrustedProxiesError(entry: given, "trusted proxy '\(VisibleText.line(given.prefix(100)))' \(problem)")
        }
        guard !entry.isEmpty else { throw refused("is empty; give an address (127.0.0.1, ::1) or a CIDR range (10.0.0.0/8, fd00::/8)") }
        let parts = entry.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard var bytes = addressBytes(String(parts[0]), unmapping: false) else {
            throw refused("is not an IPv4 or IPv6 address or CIDR range (a host name is not accepted: "
                          + "trust must not follow DNS); give an address (127.0.0.1, ::1) or a range (10.0.0.0/8, fd00::/8)")
        }
        let bits = bytes.count * 8
        var prefix = bits
        if parts.count == 2 {
            let digits = parts[1]
            guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(digits), number <= bits else {
                throw refused("has a bad prefix length '/\(VisibleText.line(digits.prefix(20)))'; an \(bits == 32 ? "IPv4" : "IPv6") range takes /0 to /\(bits)")
            }
            prefix = number
            let network = masked(bytes, prefix: prefix)
            guard network == bytes else {
                throw refused("has host bits set after the first \(prefix) bits; write the range as \(text(of: network))/\(prefix), "
                              + "or the single address as \(parts[0])/\(bits)")
            }
        }
        // An IPv4-mapped IPv6 range is the IPv4 range it maps, so it matches IPv4 peers however they are reported.
        if bytes.count == 16, prefix >= 96, bytes.starts(with: mappedPrefix) {
            bytes = Array(bytes[12...])
            prefix -= 96
        }
        return Range(bytes: bytes, prefix: prefix)
    }

    /// `::ffff:0:0/96`, the IPv4-mapped IPv6 addresses.
    private static let mappedPrefix: [UInt8] = Array(repeating: 0, count: 10) + [0xFF, 0xFF]

    /// The 4 or 16 bytes of an IPv4 or IPv6 address in text (inet_pton: strict, no names,
    /// no zones); an IPv4-mapped IPv6 address gives its 4 IPv4 bytes when `unmapping`.
    private static func addressBytes(_ text: String, unmapping: Bool = true) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if unmapping, bytes.starts(with: mappedPrefix) { return Array(bytes[12...]) }
        return bytes
    }

    /// `bytes` with every bit after the first `prefix` cleared.
    static func masked(_ bytes: [UInt8], prefix: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let kept = min(max(prefix - index * 8, 0), 8)
            return kept == 8 ? byte : byte & ~(UInt8.max >> kept)
        }
    }

    private static func text(of bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let result = bytes.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &buffer, socklen_t(buffer.count)) }
        guard result != nil else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
