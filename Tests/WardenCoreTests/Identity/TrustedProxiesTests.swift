import Testing
@testable import WardenCore

extension IdentityTests {
    /// Which peers' identity headers are believed: addresses and CIDR ranges,
    /// IPv4 and IPv6, and nothing vaguer.
    @Suite("Trusted proxies")
    struct TrustedProxiesTests {
        @Test func addressesAndRangesOfBothFamiliesMatchWhatTheyCover() throws {
            let proxies = try TrustedProxies(["127.0.0.1", "10.0.0.0/8", "192.168.4.0/22", "::1", "fd00::/8", " 2001:db8::/32 "])
            for inside in ["127.0.0.1", "10.0.0.1", "10.255.255.255", "192.168.4.0", "192.168.7.255", "::1", "fd12:3456::1", "fdff:ffff::",
                           "2001:db8:1::5", "[::1]", "::ffff:10.1.2.3", "::ffff:127.0.0.1"] {
                #expect(proxies.contains(inside), "\(inside)")
            }
            for outside in ["127.0.0.2", "11.0.0.1", "9.255.255.255", "192.168.8.0", "192.168.3.255", "::2", "fc00::1", "fe00::1",
                            "2001:db9::1", "::ffff:11.0.0.1", "fe80::1%eth0", "localhost", "", "10.0.0.1:8080", "not an address"] {
                #expect(!proxies.contains(outside), "\(outside)")
            }
            #expect(proxies.entries == ["127.0.0.1", "10.0.0.0/8", "192.168.4.0/22", "::1", "fd00::/8", "2001:db8::/32"])
        }

        @Test func noProxyMeansNoHeaderIsBelievedAndSlashZeroMeansEveryAddress() throws {
            #expect(!TrustedProxies().contains("127.0.0.1"))
            #expect(!(try TrustedProxies([])).contains("::1"))
            let everyV4 = try TrustedProxies(["0.0.0.0/0"])
            #expect(everyV4.contains("203.0.113.9") && everyV4.contains("::ffff:203.0.113.9") && !everyV4.contains("2001:db8::1"))
            #expect(try TrustedProxies(["::/0"]).contains("2001:db8::1"))
        }

        @Test func anIPv4MappedRangeIsTheIPv4RangeItMaps() throws {
            let proxies = try TrustedProxies(["::ffff:10.0.0.0/104"])
            #expect(proxies.contains("10.9.8.7") && proxies.contains("::ffff:10.9.8.7"))
            #expect(!proxies.contains("11.0.0.1"))
        }

        static let garbage: [(entry: String, says: String)] = [
            ("localhost", "is not an IPv4 or IPv6 address or CIDR range (a host name is not accepted"),
            ("proxy.example.com", "is not an IPv4 or IPv6 address"),
            ("", "is empty"),
            ("10.0.0.0/33", "has a bad prefix length '/33'; an IPv4 range takes /0 to /32"),
            ("fd00::/129", "has a bad prefix length '/129'; an IPv6 range takes /0 to /128"),
            ("10.0.0.0/", "has a bad prefix length '/'"),
            ("10.0.0.0/-1", "has a bad prefix length '/-1'"),
            ("10.0.0.0/8/8", "has a bad prefix length '/8/8'"),
            ("10.0.0.0/+8", "has a bad prefix length"),
            ("10.0.0.1/8", "has host bits set after the first 8 bits; write the range as 10.0.0.0/8, or the single address as 10.0.0.1/32"),
            ("fd00::1/8", "write the range as fd00::/8"),
            ("1.2.3", "is not an IPv4 or IPv6 address"),
            ("010.0.0.1", "is not an IPv4 or IPv6 address"),
            ("256.0.0.1", "is not an IPv4 or IPv6 address"),
            ("fe80::1%eth0", "is not an IPv4 or IPv6 address"),
            ("10.0.0.0\u{1B}[2J/8", "'10.0.0.0\\x1b[2J/8'"),
        ]

        @Test(arguments: garbage)
        func aBadEntryIsRefusedNamingIt(entry: String, says: String) {
            let error = #expect(throws: TrustedProxiesError.self) { try TrustedProxies(["127.0.0.1", entry, "::1"]) }
            #expect(error?.entry == entry)
            #expect(error?.description.contains(says) == true, "\(error?.description ?? "")")
            #expect(error?.description.contains("\u{1B}") == false)
        }
    }
}
