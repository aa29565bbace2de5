import Foundation
import Testing
@testable import WardenCore
import Yams

/// `YAMLScalarSourceMap` against what libyaml reads: every character of a scalar's
/// value must be mapped to where it is written, in every style.
@Suite struct YAMLScalarSourceMapTests {
    /// The value of key `b` in `yaml`, and where each of its characters is (1-based).
    private static func mapped(_ yaml: String) -> (value: [Unicode.Scalar], map: [WardenCore.SourceLocation]?, lines: [[Unicode.Scalar]])? {
        guard let root = try? Yams.compose(yaml: yaml), let scalar = Self.scalar(named: "b", in: root) else { return nil }
        let lines = yaml.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map(Array.init)
        return (Array(scalar.string.unicodeScalars), YAMLScalarSourceMap.locations(of: scalar, lines: lines, file: "f"), lines)
    }

    private static func scalar(named key: String, in node: Node) -> Node.Scalar? {
        guard case let .mapping(mapping) = node else { return nil }
        for (name, value) in mapping {
            if name.string == key, case let .scalar(scalar) = value { return scalar }
            if let found = scalar(named: key, in: value) { return found }
        }
        return nil
    }

    /// Where the value's character `offset` is mapped, as "line:column".
    private static func place(_ yaml: String, _ offset: Int) -> String {
        guard let (_, map, _) = mapped(yaml), let map, offset < map.count else { return "no map" }
        return "\(map[offset].line):\(map[offset].column)"
    }

    @Test func eachStyleMapsItsCharactersWhereTheyAreWritten() {
        // A | block: later lines keep their extra indentation.
        #expect(Self.place("a:\n  b: |\n    ab\n      cd\n", 5) == "4:7") // "ab\n  cd\n", the c
        // A > block: the folded line break is where the first line ends.
        #expect(Self.place("b: >\n  ab\n  cd\n", 2) == "2:5")
        #expect(Self.place("b: >\n  ab\n  cd\n", 3) == "3:3")
        // Escapes: \" and '' take two characters, \x41 four.
        #expect(Self.place(#"b: "a\"b\x41c""#, 3) == "1:9") // a " b A c: the A, at its backslash
        #expect(Self.place(#"b: "a\"b\x41c""#, 4) == "1:13")
        #expect(Self.place("b: 'it''s'", 3) == "1:9") // i t ' s: the s
        // A plain scalar over two lines.
        #expect(Self.place("b: one\n   two\n", 4) == "2:4")
        // A double-quoted line ending in \ runs on with nothing between.
        #expect(Self.place("b: \"ab\\\n   cd\"\n", 2) == "2:4")
        // Windows line ends.
        #expect(Self.place("b: |\r\n  ab\r\n  cd\r\n", 3) == "3:3")
        // Just past the end.
        #expect(Self.place("b: x or\n", 4) == "1:8")
    }

    @Test func aBlockWithAnIndentationDigitHasNoMap() {
        guard let (_, map, _) = Self.mapped("a:\n  b: |2\n     x\n") else { Issue.record("no scalar"); return }
        #expect(map == nil)
    }

    /// Values of every kind written in every style by libyaml's own emitter, read
    /// back: every character that is not whitespace must be mapped to itself as
    /// written, or to the `\` or `'` of the escape that stands for it, in order.
    /// Deterministic (`WARDEN_FUZZ_SEED` replays another run).
    @Test func valuesEmittedInEveryStyleMapBackToTheirCharacters() throws {
        var noise = RunbookFuzzTests.NoiseGenerator(state: RunbookFuzzTests.seed)
        let parts = ["a", "b", "x9", "==", "'", "\"", "\\", " ", "  ", "\n", "\n\n", "\t", "é", "{{", "}}", "#", ": ", "- ", "😀", ",", "[", "\r"]
        let styles: [Node.Scalar.Style] = [.plain, .singleQuoted, .doubleQuoted, .literal, .folded]
        var failures: [String] = []
        var counts = (cases: 0, mapped: 0, flow: 0)
        for _ in 0..<3000 {
            var value = ""
            for _ in 0..<(1 + noise.below(12)) { value += noise.pick(parts) }
            let style = noise.pick(styles)
            // Block mappings, or a flow mapping inside one (a scalar in `{b: ...}` ends at , or }).
            let inner = Node([(Node("b"), Node(value, Tag(.str), style))], Tag(.map), noise.chance(3) ? .flow : .block)
            let document = Node([(Node("a"), inner)])
            let yaml = try Yams.serialize(node: document, width: noise.pick([-1, 12, 30]), allowUnicode: noise.chance(2))
            guard let (read, map, lines) = Self.mapped(yaml) else { failures.append("not read back:\n\(yaml)"); continue }
            counts.cases += 1
            guard let map else {
                if !yaml.contains(where: \.isNumber) { failures.append("no map:\n\(yaml)") }
                continue
            }
            counts.mapped += 1
            if yaml.contains("{b:") { counts.flow += 1 }
            if let problem = Self.problem(read, map, lines) { failures.append("\(problem):\n\(yaml)") }
            if failures.count >= 5 { break }
        }
        #expect(failures == [], "seed \(RunbookFuzzTests.seed)")
        #expect(counts.mapped * 10 >= counts.cases * 9, "only \(counts.mapped) of \(counts.cases) values mapped")
        #expect(counts.flow * 5 >= counts.mapped, "only \(counts.flow) of \(counts.mapped) in a flow mapping")
    }

    private static func problem(_ value: [Unicode.Scalar], _ map: [WardenCore.SourceLocation], _ lines: [[Unicode.Scalar]]) -> String? {
        guard map.count == value.count + 1 else { return "\(map.count) locations for \(value.count) characters" }
        for (offset, scalar) in value.enumerated() {
            let location = map[offset]
            if offset > 0, location < map[offset - 1] { return "character \(offset) is mapped before the one ahead of it" }
            guard !scalar.properties.isWhitespace else { continue }
            let line = location.line - 1, column = location.column - 1
            guard lines.indices.contains(line), lines[line].indices.contains(column) else {
                return "character \(offset) '\(scalar.escaped(asASCII: true))' is mapped outside the text (\(location))"
            }
            let written = lines[line][column]
            guard written == scalar || written == "\\" || (written == "'" && scalar == "'") else {
                return "character \(offset) '\(scalar.escaped(asASCII: true))' is mapped to '\(written.escaped(asASCII: true))' at \(location)"
            }
        }
        return nil
    }
}
