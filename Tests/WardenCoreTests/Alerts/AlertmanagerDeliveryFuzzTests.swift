import Foundation
import Testing
@testable import WardenCore
import WardenTesting

extension AlertsTests {
    /// Random bytes and mangled real bodies thrown at the decoder and the decider:
    /// nothing crashes, every outcome is a delivery or a typed error, and the decider
    /// answers every delivery with at least one decision. Deterministic per seed
    /// (`WARDEN_FUZZ_SEED` replays a run); about a second.
    @Suite("Delivery fuzzing")
    struct AlertmanagerDeliveryFuzzTests {

        static let pieces: [String] = ["\"version\"", "\"4\"", "\"alerts\"", "[", "]", "{", "}", ":", ",", "null", "true", "1e999", "-0", "\"firing\"",
                                       "\"resolved\"", "\"2026-12-03T02:10:00Z\"", "\"\\u0000\"", "\"\\ud800\"", "\"fingerprint\"", "\"labels\"", "0.5"]

        @Test func randomAndMangledBodiesNeverCrash() async throws {
            let seed = UInt64(ProcessInfo.processInfo.environment["WARDEN_FUZZ_SEED"] ?? "") ?? UInt64(Date().timeIntervalSince1970)
            var noise = SeededGenerator(seed: seed)
            let bases = [Array(AlertFixtures.firing.utf8), Array(AlertFixtures.resolved.utf8)]
            let rule = try AlertFixtures.rule(throttles: AlertThrottles(onceWithin: .seconds(60), flapping: (changes: 2, within: .seconds(600))),
                                              escalation: AlertEscalation(label: "node", atLeast: 2, runbook: "freeze", scope: ["cluster"]))
            var state = AlertDeciderState()
            var outcomes = (cases: 0, decoded: 0, refused: 0)
            let deadline = Date().addingTimeInterval(1)
            while Date() < deadline || outcomes.cases < 1_000, outcomes.cases < 100_000 {
                outcomes.cases += 1
                var body: [UInt8]
                switch noise.below(4) {
                case 0:
                    body = (0..<noise.below(200)).map { _ in UInt8(truncatingIfNeeded: noise.next()) }
                case 1:
                    body = Array((0..<noise.below(40)).map { _ in Self.pieces[noise.below(Self.pieces.count)] }.joined().utf8)
                default:
                    body = bases[noise.below(bases.count)]
                    for _ in 0..<(1 + noise.below(4)) {
                        let at = noise.below(body.count)
                        switch noise.below(4) {
                        case 0: body[at] = UInt8(truncatingIfNeeded: noise.next())
                        case 1: body.remove(at: at)
                        case 2: body.insert(contentsOf: Array(Self.pieces[noise.below(Self.pieces.count)].utf8), at: at)
                        default: body.replaceSubrange(at..<min(body.count, at + noise.below(20)), with: [])
                        }
                    }
                }
                let decoded: Result<AlertmanagerDelivery, AlertmanagerDeliveryError>
                do {
                    decoded = .success(try AlertmanagerDelivery.decode(body))
                    outcomes.decoded += 1
                } catch {
                    // Typed: the compiler says `error` is an AlertmanagerDeliveryError; its path is a field or `$`.
                    #expect(!error.path.isEmpty)
                    #expect(!error.description.isEmpty)
                    decoded = .failure(error)
                    outcomes.refused += 1
                }
                let decisions = state.apply(.delivery(decoded, at: AlertFixtures.origin.addingTimeInterval(Double(outcomes.cases))), rules: [rule])
                #expect(!decisions.isEmpty, "seed \(seed): every delivery gets a decision")
                if decisions.isEmpty { break }
            }
            #expect(outcomes.decoded > 0 && outcomes.refused > 0, "seed \(seed): \(outcomes)")
        }
    }
}
