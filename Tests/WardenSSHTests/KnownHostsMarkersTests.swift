import Foundation
import Testing
@testable import WardenSSH

/// The known_hosts markers libssh skips, read by Warden: which lines, at which line numbers,
/// and read again when the file changes (they are kept per version of the file, since every
/// connection of a fan-out asks).
@Suite("known_hosts markers")
struct KnownHostsMarkersTests {
    static let text = """
        [127.0.0.1]:2222 ssh-ed25519 AAAAplain1
          @revoked [127.0.0.2]:2222 ssh-ed25519 AAAArevoked comment
        # @revoked * ssh-ed25519 AAAAcommented
        @cert-authority *.example ssh-ed25519 AAAAca\r
        \t@revoked\t* ssh-ed25519 AAAAtabbed\r

        [127.0.0.3]:2222 ssh-ed25519 AAAAplain2
        """

    @Test func onlyMarkerLinesCountWithTheirLineNumbers() {
        let markers = KnownHostsMarkers(bytes: Data(Self.text.utf8))
        #expect(markers.revoked == ["AAAArevoked": 2, "AAAAtabbed": 5])
        #expect(markers.certificateAuthorities == [4])
    }

    @Test func aChangedFileIsReadAgain() throws {
        let path = NSTemporaryDirectory() + "known_hosts-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("[h]:22 ssh-ed25519 AAAAplain\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(KnownHostsMarkers(path: path).revoked.isEmpty)
        #expect(KnownHostsMarkers(path: path).revoked.isEmpty, "the same file, from what was kept")
        try Data("[h]:22 ssh-ed25519 AAAAplain\n@revoked * ssh-ed25519 AAAAgone\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(KnownHostsMarkers(path: path).revoked == ["AAAAgone": 2])
        try FileManager.default.removeItem(atPath: path)
        #expect(KnownHostsMarkers(path: path).revoked.isEmpty, "no file, no markers")
    }

    @Test func garbageReadsAsNoMarkers() {
        for garbage in [Data(), Data([0xFF, 0xFE, 0x40, 0x0A]), Data("@\n@@\n@revoked\n@revoked a b\n".utf8)] {
            let markers = KnownHostsMarkers(bytes: garbage)
            #expect(markers.revoked.isEmpty)
        }
    }
}
