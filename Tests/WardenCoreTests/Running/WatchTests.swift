import Foundation
import Testing
@testable import WardenCore
import WardenTesting

/// Watches on the engine with a test clock: each sample is taken when the
/// test moves the clock past the watch's next reading, so what a watch sees
/// and when the run stops are exact, not a race with the machine's pace.
@Suite("Watches and windowed rules (in memory)")
struct WatchTests {
    /// A change, then a minute and five seconds of waiting (a pause) under
    /// the watch `watch`, then cleanup back to steady.
    static func runbook(watch: String) -> String {
        """
        name: watched
        targets:
          admin: {hosts: meta1, exactly: 1}
        probes:
          health: {on: admin, run: health, parse: json}
          figure: {on: admin, run: figure, parse: json}
        guards:
          - {probe: health, expect: result.ok}
        watch:
          - \(watch)
        steps:
          - id: lively
            on: admin
            run: set_meta_level lively
            undo: set_meta_level steady
          - id: hold
            pause: 65s
        finally:
          - id: steady
            on: admin
            run: set_meta_level steady
        """
    }

    /// Starts the run, then takes `samples` samples, one every 10 s of the clock: after each the
    /// watch and the pause are asleep again. Returns the run, still going.
    private func started(_ scene: EngineScene, samples: Int) async throws -> Task<RunReport, Never> {
        let run = scene.start()
        // The watch's timer and the pause's.
        try await scene.clock.waitUntilAsleep(2)
        for _ in 0..<samples {
            scene.clock.advance(by: .seconds(10))
            try await scene.clock.waitUntilAsleep(2)
        }
        return run
    }

    @Test func aSustainedBreachStopsTheRunAtItsThirdSampleAndRollsBack() async throws {
        let scene = try await EngineScene.make(Self.runbook(watch: #"{every: 10s, probe: figure, abort_if: "result.n > 5", for: "3 consecutive"}"#),
                                               hosts: ["admin": ["meta1"]])
        defer { scene.remove() }
        MetaLevelHost.install(on: scene.transport)
        MetaLevelHost.series("figure", [3, 9, 9, 9], on: scene.transport)
        let run = try await started(scene, samples: 3)
        #expect(scene.transport.variable("level", on: "meta1") == "lively")
        scene.clock.advance(by: .seconds(10))
        let report = try await outcome(of: run)
        #expect(report.status == .aborted)
        #expect(report.reason?.contains("result.n > 5 held in 3 of the last 3 samples") == true, "\(report.reason ?? "")")
        #expect(scene.clock.elapsed == .seconds(40), "stopped at the third breaching sample, not later")
        #expect(MetaLevelHost.reads(of: "figure", on: scene.transport) == 4)
        #expect(report.steps.map(\.status) == [.ok, .failed])
        #expect(report.rollback.map(\.id) == ["lively"])
        #expect(report.cleanup.map(\.status) == [.ok])
        #expect(scene.transport.variable("level", on: "meta1") == "steady")
        #expect(scene.transport.commands(receivedBy: "meta1").filter { $0.hasPrefix("set_meta_level") }
                == ["set_meta_level lively", "set_meta_level steady", "set_meta_level steady"])
    }

    @Test func aBlipOfTwoBreachingSamplesDoesNotStopTheRun() async throws {
        let scene = try await EngineScene.make(Self.runbook(watch: #"{every: 10s, probe: figure, abort_if: "result.n > 5", for: "3 consecutive"}"#),
                                               hosts: ["admin": ["meta1"]])
        defer { scene.remove() }
        MetaLevelHost.install(on: scene.transport)
        MetaLevelHost.series("figure", [3, 9, 9, 3, 9, 9, 3], on: scene.transport)
        let run = try await started(scene, samples: 6)
        // The pause's last five seconds.
        scene.clock.advance(by: .seconds(5))
        let report = try await outcome(of: run)
        #expect(report.status == .succeeded, "\(report.reason ?? "")")
        #expect(MetaLevelHost.reads(of: "figure", on: scene.transport) == 6)
        #expect(report.rollback.isEmpty)
        #expect(scene.transport.variable("level", on: "meta1") == "steady")
    }

    @Test func nOfMCountsBreachesThatAreNotConsecutive() async throws {
        let scene = try await EngineScene.make(Self.runbook(watch: #"{every: 10s, probe: figure, abort_if: "result.n > 5", for: "3 of 5"}"#),
                                               hosts: ["admin": ["meta1"]])
        defer { scene.remove() }
        MetaLevelHost.install(on: scene.transport)
        MetaLevelHost.series("figure", [9, 3, 9, 3, 9, 3], on: scene.transport)
        let run = try await started(scene, samples: 4)
        scene.clock.advance(by: .seconds(10))
        let report = try await outcome(of: run)
        #expect(report.status == .aborted)
        #expect(report.reason?.contains("held in 3 of the last 5 samples") == true, "\(report.reason ?? "")")
        #expect(scene.clock.elapsed == .seconds(50))
    }

    @Test func aFlappingValueStopsTheRunAtItsSecondFall() async throws {
        let scene = try await EngineScene.make(Self.runbook(watch: "{every: 10s, probe: figure, decreased: {value: result.n, times: 2, within: 1m}}"),
                                               hosts: ["admin": ["meta1"]])
        defer { scene.remove() }
        MetaLevelHost.install(on: scene.transport)
        // Down, up, down again.
        MetaLevelHost.series("figure", [3, 2, 3, 1], on: scene.transport)
        let run = try await started(scene, samples: 3)
        scene.clock.advance(by: .seconds(10))
        let report = try await outcome(of: run)
        #expect(report.status == .aborted)
        #expect(report.reason?.contains("result.n went down 2 times within 1m on meta1 (now 1.0)") == true, "\(report.reason ?? "")")
        #expect(scene.clock.elapsed == .seconds(40))
        #expect(report.rollback.map(\.id) == ["lively"])
        #expect(scene.transport.variable("level", on: "meta1") == "steady")
    }

    @Test func fallsFurtherApartThanTheirWindowDoNotCount() async throws {
        let scene = try await EngineScene.make(Self.runbook(watch: "{every: 10s, probe: figure, decreased: {value: result.n, times: 2, within: 30s}}"),
                                               hosts: ["admin": ["meta1"]])
        defer { scene.remove() }
        MetaLevelHost.install(on: scene.transport)
        // Falls at 20 s and at 60 s: forty seconds apart, never two within thirty.
        MetaLevelHost.series("figure", [3, 2, 2, 2, 2, 1], on: scene.transport)
        let run = try await started(scene, samples: 6)
        scene.clock.advance(by: .seconds(5))
        let report = try await outcome(of: run)
        #expect(report.status == .succeeded, "\(report.reason ?? "")")
        #expect(MetaLevelHost.reads(of: "figure", on: scene.transport) == 6)
    }

    @Test func aSampleThatCannotBeTakenCountsAsNoBreach() async throws {
        let scene = try await EngineScene.make(Self.runbook(watch: #"{every: 10s, probe: figure, abort_if: "result.n > 5", for: "2 consecutive"}"#),
                                               hosts: ["admin": ["meta1"]])
        defer { scene.remove() }
        MetaLevelHost.install(on: scene.transport)
        MetaLevelHost.series("figure", [9], on: scene.transport)
        let run = scene.start()
        try await scene.clock.waitUntilAsleep(2)
        scene.clock.advance(by: .seconds(10))
        try await scene.clock.waitUntilAsleep(2)
        // The host goes away for one sample, between two breaching ones.
        scene.transport.failConnections(to: "meta1", with: .connectTimeout)
        scene.clock.advance(by: .seconds(10))
        try await scene.clock.waitUntilAsleep(2)
        scene.transport.restoreConnections(to: "meta1")
        scene.clock.advance(by: .seconds(10))
        try await scene.clock.waitUntilAsleep(2)
        scene.clock.advance(by: .seconds(10))
        let report = try await outcome(of: run)
        #expect(report.status == .aborted)
        #expect(scene.clock.elapsed == .seconds(40), "the breaches at 10 s and 30 s are not consecutive samples")
    }
}
