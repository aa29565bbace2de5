import Foundation
import Testing
@testable import WardenCore

/// Programs Warden runs on the controller (`ssh-keygen`) start with every signal at its
/// default and none blocked, whatever the thread that starts them blocks or `warden`
/// ignores (it ignores INT and TERM to stop its runs in order): Ctrl-C or a TERM reaches them.
@Suite struct LocalProcessTests {
    @Test func aProgramStartsWithNoSignalBlockedOrIgnored() async throws {
        let output = try await LocalProcess.withPrivateFolder { folder in
            await LocalProcess.run("/bin/sh", ["-c", "exec grep -E '^Sig(Blk|Ign):' /proc/self/status"], in: folder)
        }
        #expect(output.status == 0, "\(output.stderr)")
        let masks = output.stdout.split(separator: "\n").map { $0.split(separator: "\t").last.map(String.init) ?? "" }
        // Signals 1...31 (bit n-1 is signal n); glibc keeps 32 and 33 for itself.
        #expect(masks.count == 2 && masks.allSatisfy { (UInt64($0, radix: 16) ?? 1) & 0x7FFF_FFFF == 0 }, "\(output.stdout.replacingOccurrences(of: "\n", with: "; "))")
    }
}
