import Testing
@testable import WardenCore

@Suite struct DurationTextTests {
    @Test(arguments: [
        ("500ms", Duration.milliseconds(500)),
        ("10s", .seconds(10)),
        ("2m", .seconds(120)),
        ("1h", .seconds(3600)),
        ("1h30m", .seconds(5400)),
        ("1.5s", .milliseconds(1500)),
        ("0.25h", .seconds(900)),
        ("1m30s250ms", .milliseconds(90_250)),
        ("0s", .zero),
        ("  10s ", .seconds(10)),
        ("0.000001ms", .nanoseconds(1)),
    ])
    func parses(text: String, expected: Duration) throws {
        #expect(try DurationText.parse(text) == expected)
    }

    @Test(arguments: [
        ("", "empty duration; expected a number with a unit (ms, s, m, h), like '500ms', '10s' or '1h30m'"),
        ("abc", "invalid duration 'abc'; expected a number with a unit (ms, s, m, h), like '500ms', '10s' or '1h30m'"),
        ("1.s", "invalid duration '1.s'; expected a number with a unit (ms, s, m, h), like '500ms', '10s' or '1h30m'"),
        (".5s", "invalid duration '.5s'; expected a number with a unit (ms, s, m, h), like '500ms', '10s' or '1h30m'"),
        ("1h 30m", "invalid duration '1h 30m'; expected a number with a unit (ms, s, m, h), like '500ms', '10s' or '1h30m'"),
        ("-5s", "duration '-5s' is negative; durations must be zero or more"),
        ("10", "duration '10' has no unit; add one of ms, s, m, h, like '500ms', '10s' or '1h30m'"),
        ("10x", "duration '10x' has unknown unit 'x'; use ms, s, m or h"),
        ("5d", "duration '5d' has unknown unit 'd'; use ms, s, m or h"),
        ("30m1h", "duration '30m1h' repeats or reorders units; write them largest first, each once (h, m, s, ms)"),
        ("10s10s", "duration '10s10s' repeats or reorders units; write them largest first, each once (h, m, s, ms)"),
        ("99999999999h", "duration '99999999999h' is too large"),
        ("0.0000001ms", "duration '0.0000001ms' is more precise than a nanosecond"),
        ("1.0000000001s", "duration '1.0000000001s' is more precise than a nanosecond"),
    ])
    func rejects(text: String, message: String) {
        #expect(throws: LocatedError(message)) { try DurationText.parse(text) }
    }

    @Test(arguments: [
        (Duration.milliseconds(500), "500ms"),
        (.seconds(10), "10s"),
        (.seconds(120), "2m"),
        (.seconds(3600), "1h"),
        (.seconds(5400), "1h30m"),
        (.milliseconds(1500), "1.5s"),
        (.seconds(90), "1m30s"),
        (.milliseconds(3_661_001), "1h1m1.001s"),
        (.milliseconds(60_500), "1m500ms"),
        (.microseconds(500), "0.5ms"),
        (.zero, "0s"),
        (.seconds(-3), "-3s"),
    ])
    func formats(duration: Duration, text: String) {
        #expect(DurationText.format(duration) == text)
    }

    @Test(arguments: ["500ms", "10s", "2m", "1h", "1h30m", "1.5s", "1h2m3.456789s", "0.000001ms"])
    func formatIsTheInverseOfParse(text: String) throws {
        let duration = try DurationText.parse(text)
        #expect(try DurationText.parse(DurationText.format(duration)) == duration)
    }
}
