import Foundation
import Testing
@testable import WardenCore
import WardenTesting
import Yams

/// Warden types plain YAML scalars by hand (`YAMLPlainScalarType`) instead of with Yams'
/// default resolver, whose ICU regular expressions cost every process about 4 MiB. The
/// two must agree on every text, or a runbook would read differently than it did: checked
/// here against Yams' own resolver on YAML 1.1's examples and edge cases, and on random
/// text made of the characters the rules look at.
@Suite("Plain YAML scalars are typed as Yams' default resolver types them")
struct YAMLPlainScalarTypeTests {
    /// What Yams' default resolver (its ICU regular expressions) says of `text`.
    private func yams(_ text: String) -> Yams.Tag.Name {
        Resolver.default.resolveTag(of: Node(text))
    }

    static let examples: [String] = [
        // bool
        "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF", "y", "n", "yEs", "tRUE", "onn", " yes", "yes ",
        // int
        "0", "00", "0_", "-0", "+0", "42", "-42", "+42", "1_000", "0b1010", "-0b1_0", "0b", "0b2", "017", "0o17", "0o", "0o8",
        "0x1F", "0xff_ff", "-0x1", "0x", "0xg", "1:30", "190:20:30", "1:60", "1:5", "1:55", "1:555", "0:30", "-1:30", "1:",
        "_1", "1__", "08", "09",
        // float
        "1.5", "-1.5", "+.5", "1.", "1e5", "1E+5", "1e-5", "1.5e3", ".5", "._", ".5e+3", ".5e3", "1e", "1e+", "190:20:30.15",
        "1:30.", ".inf", "-.inf", "+.Inf", ".INF", ".nan", ".NaN", ".NAN", "-.nan", "inf", "nan", ".", "-", "+", "1.2.3", "1_.5_",
        // merge, null, value
        "<<", "<", "<<<", "~", "null", "Null", "NULL", "nULL", "", " ", "=", "==",
        // timestamp
        "2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "2001-12-15T02:59:43.1Z",
        "2001-12-15 2:59:43.10", "2002-1-1", "2001-12-14T21:59:43", "2001-12-14  21:59:43Z", "2001-12-14\t21:59:43 Z",
        "2001-12-14 21:59:43 ", "2001-12-14 21:59:43+05:0", "2001-12-14 21:59:43+123", "2001-1-1T1:00:00", "20011-12-14",
        "2001-12-14T21:59", "2001-12-14T21:59:43.", "2001-12-14 21:59:43 +05:00",
        // line terminators that may end a match, and other trailing characters
        "yes\n", "42\r\n", "42\r", "1.5\u{2028}", "~\u{85}", "null\u{2029}", "true\u{0B}", "on\u{0C}", "yes\n\n", "yes\r\n\n",
        "42\n\r", "\n", "\r\n", "yes\u{0}", "４２", "yes\t",
        // text
        "fleet", "h01", "set_meta_level lively", "10.0.0.1", "1.2.3.4", "v1.2", "30s", "50%", "-h", "0.0.0.0:8080",
    ]

    @Test(arguments: examples)
    func anExampleIsTypedAsYamsTypesIt(_ text: String) {
        #expect(YAMLPlainScalarType.tag(of: text) == yams(text), "'\(text.debugDescription)'")
    }

    @Test func randomTextIsTypedAsYamsTypesIt() {
        let alphabet = Array("0123456789_-+.:eExXoObB aftTZz\t~nulNULyYesSON<=\n\r\u{85}\u{2028}".unicodeScalars)
        var random = SeededGenerator(seed: 0x59414D4C)
        var disagreements: [String] = []
        for _ in 0..<20_000 {
            let length = random.below(13)
            var text = String.UnicodeScalarView()
            for _ in 0..<length { text.append(alphabet[random.below(alphabet.count)]) }
            let string = String(text)
            if YAMLPlainScalarType.tag(of: string) != yams(string) { disagreements.append(string.debugDescription) }
        }
        // Shaped texts too: random ones hardly ever look like a number, time or word.
        let shapes = ["0b{d}", "0o{d}", "0x{d}", "{s}{d}", "{s}{d}.{d}", "{s}{d}e{s}{d}", ".{d}e{s}{d}", "{d}:{d}:{d}", "{s}{d}:{d}.{d}",
                      "{d}-{d}-{d}", "{d}-{d}-{d}T{d}:{d}:{d}", "{d}-{d}-{d} {d}:{d}:{d}.{d} {s}{d}:{d}", "{d}-{d}-{d}t{d}:{d}:{d}Z"]
        for _ in 0..<20_000 {
            var text = shapes[random.below(shapes.count)]
            while let range = text.range(of: "{d}") {
                let digits = (0..<random.below(5)).map { _ in String("0123456789_"[String.Index(utf16Offset: random.below(11), in: "0123456789_")]) }
                text.replaceSubrange(range, with: digits.joined())
            }
            while let range = text.range(of: "{s}") { text.replaceSubrange(range, with: ["", "-", "+"][random.below(3)]) }
            if YAMLPlainScalarType.tag(of: text) != yams(text) { disagreements.append(text.debugDescription) }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) texts typed otherwise than Yams does: \(disagreements.prefix(20))")
    }

    /// Through the loader: values by their text, quoted values and explicit tags as written,
    /// keys as text (and a plain `<<` key still a merge key, refused).
    @Test func aDocumentsScalarsAreTypedByTextQuotingAndTag() throws {
        let root = try #require(try YAMLDocument.compose("""
            a: yes
            b: "yes"
            c: !!str 42
            d: 42
            e: [1.5, ~, 2001-12-14, '=', <<]
            on: 0x1F
            f: |
              42
            g: !!int "7"
            """, file: "t.yaml"))
        guard case let .mapping(mapping) = root else { Issue.record("not a mapping"); return }
        var tags: [String: Yams.Tag.Name] = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string else { continue }
            if case let .sequence(items) = value {
                for (index, item) in items.enumerated() { tags["\(name)\(index)"] = YAMLNodeInspection.tag(of: item) }
            } else {
                tags[name] = YAMLNodeInspection.tag(of: value)
            }
        }
        #expect(tags == ["a": .bool, "b": .str, "c": .str, "d": .int, "e0": .float, "e1": .null, "e2": .timestamp, "e3": .str, "e4": .merge,
                         "on": .int, "f": .str, "g": .int])
        let merged = try #require(try YAMLDocument.compose("base: &b {x: 1}\nuse:\n  <<: *b\n", file: "t.yaml"))
        let use = try #require(merged.mapping?.first { $0.key.scalar?.string == "use" }?.value)
        let problems = YAMLMapping.entries(of: use, context: "in use", file: "t.yaml").problems
        #expect(problems.map(\.message) == ["YAML merge keys ('<<') are not supported"])
    }
}
