import Testing
import WardenCore

@Suite("Generic output parsers")
struct OutputParserTests {
    private func parse(_ name: String, _ text: String, pattern: String? = nil) throws -> Value {
        try OutputParsers.named(name, pattern: pattern).parse(text)
    }

    private func failure(_ name: String, _ text: String, pattern: String? = nil) -> String? {
        do {
            _ = try parse(name, text, pattern: pattern)
            return nil
        } catch {
            return "\(error)"
        }
    }

    private func failureKind(_ name: String, _ text: String, pattern: String? = nil) -> OutputParseError.Kind? {
        do throws(OutputParseError) {
            _ = try OutputParsers.named(name, pattern: pattern).parse(text)
            return nil
        } catch {
            return error.kind
        }
    }

    @Test func jsonSkipsABannerAndKeepsTypes() throws {
        let value = try parse("json", "Using cluster file `fdb.cluster'.\n{\"a\": 1, \"b\": 0.5, \"c\": [true, null, \"x\"]}\n")
        #expect(value == .map(["a": .int(1), "b": .double(0.5), "c": .list([.bool(true), .null, .string("x")])]))
    }

    @Test func badJSONSaysWhereItStarted() {
        #expect(failure("json", "warning\nnotice\n{\"a\": }")?.hasPrefix("json: line 3: not valid JSON from here on") == true)
        #expect(failure("json", "no json here") == "json: no JSON object or array in the output")
        #expect(failureKind("json", "warning\nnotice\n{\"a\": }") == .malformed)
        #expect(failureKind("json", "no json here") == .unrecognized)
    }

    @Test func linesDropBlanksAndTrailingSpace() throws {
        #expect(try parse("lines", "a  \n\n b\r\n") == .list([.string("a"), .string(" b")]))
    }

    /// The README says numbers in output become numbers: `wc -l` is 42, not "42".
    @Test func linesThatAreNumbersOrPercentagesAreNumbers() throws {
        #expect(try parse("lines", "42\n0.5\n18%\n3 files\n%\n") == .list([.int(42), .double(0.5), .int(18), .string("3 files"), .string("%")]))
    }

    @Test func kvPercentagesAreNumbers() throws {
        #expect(try parse("kv", "used: 91%\nname: 50%off\n") == .map(["used": .int(91), "name": .string("50%off")]))
    }

    /// The README's own example: `df -P` has the two-word header `Mounted on`
    /// (one space after `Capacity`, whose values are right-aligned under it).
    @Test func tableReadsDfWithItsTwoWordHeaderAndPercentages() throws {
        let text = """
            Filesystem              1024-blocks     Used Available Capacity Mounted on
            devtmpfs                   12334096        0  12334096       0% /dev
            /dev/vda                  264212084 19509168  79556444      20% /
            /dev/vdb1                 103081248 92773124   5048860      95% /srv/data disk

            """
        #expect(try parse("table", text) == .list([
            .map(["Filesystem": .string("devtmpfs"), "1024-blocks": .int(12334096), "Used": .int(0), "Available": .int(12334096),
                  "Capacity": .int(0), "Mounted on": .string("/dev")]),
            .map(["Filesystem": .string("/dev/vda"), "1024-blocks": .int(264212084), "Used": .int(19509168), "Available": .int(79556444),
                  "Capacity": .int(20), "Mounted on": .string("/")]),
            .map(["Filesystem": .string("/dev/vdb1"), "1024-blocks": .int(103081248), "Used": .int(92773124), "Available": .int(5048860),
                  "Capacity": .int(95), "Mounted on": .string("/srv/data disk")]),
        ]))
        // `df -P /`: one row, and the only thing under `Mounted` is `/`.
        let one = "Filesystem     1024-blocks     Used Available Capacity Mounted on\n/dev/vda         264212084 19509168  79556444      20% /\n"
        #expect(try parse("table", one) == .list([
            .map(["Filesystem": .string("/dev/vda"), "1024-blocks": .int(264212084), "Used": .int(19509168), "Available": .int(79556444),
                  "Capacity": .int(20), "Mounted on": .string("/")]),
        ]))
    }

    /// Words one space apart stay two columns when a row has a value of its
    /// own under the second; tables every row of which fills the header are
    /// read word by word as before, aligned or not.
    @Test func tableJoinsHeaderWordsOnlyWhenTheRowsSaySo() throws {
        #expect(failure("table", "name state note\nab up x\nab up\n") == "table: line 3: 2 of 3 columns (name state note)")
        #expect(failure("table", "a b  c\nxx y z\nxx y\n") == "table: line 3: 2 of 3 columns (a b c)")
        #expect(failureKind("table", "a b  c\nxx y z\nxx y\n") == .malformed)
        #expect(try parse("table", "name state\nlongname up\n") == .list([.map(["name": .string("longname"), "state": .string("up")])]))
    }

    @Test func kvReadsColonLinesAndTypesValues() throws {
        let text = """
            The cluster name is: onebox
            meta_servers                  : 127.0.0.1:34601,127.0.0.1:34602
            meta_function_level           : steady
            balance_operation_count       : 0
            ratio:0.25
            """
        #expect(try parse("kv", text) == .map([
            "The cluster name is": .string("onebox"),
            "meta_servers": .string("127.0.0.1:34601,127.0.0.1:34602"),
            "meta_function_level": .string("steady"),
            "balance_operation_count": .int(0),
            "ratio": .double(0.25),
        ]))
        #expect(failure("kv", "a: 1\nb: 2\na: 3\n") == "kv: line 3: key 'a' appears twice")
        #expect(failure("kv", "no colons at all\n") == "kv: no 'key : value' lines in the output")
        #expect(failureKind("kv", "a: 1\nb: 2\na: 3\n") == .malformed)
        #expect(failureKind("kv", "no colons at all\n") == .unrecognized)
    }

    @Test func tableKeysRowsByHeaderAndTheLastColumnKeepsItsSpaces() throws {
        let text = """

            address          status  replica_count  note
            127.0.0.1:34801  ALIVE   8              primary moved
            127.0.0.1:34802  UNALIVE 0

            """
        // The second row has no note: 3 of 4 columns.
        #expect(failure("table", text) == "table: line 4: 3 of 4 columns (address status replica_count note)")
        let full = text.replacingOccurrences(of: "UNALIVE 0\n", with: "UNALIVE 0              -\n")
        #expect(try parse("table", full) == .list([
            .map(["address": .string("127.0.0.1:34801"), "status": .string("ALIVE"), "replica_count": .int(8), "note": .string("primary moved")]),
            .map(["address": .string("127.0.0.1:34802"), "status": .string("UNALIVE"), "replica_count": .int(0), "note": .string("-")]),
        ]))
        #expect(failure("table", "\n  \n") == "table: the output is empty; a table needs a header row")
        #expect(failureKind("table", "\n  \n") == .empty)
    }

    @Test func regexGivesOneMapPerMatchByGroupName() throws {
        let text = "/dev/vda1 91% used\n/dev/vdb1 7% used\n"
        #expect(try parse("regex", text, pattern: #"^(?<disk>\S+) (?<used>\d+)% used"#) == .list([
            .map(["disk": .string("/dev/vda1"), "used": .int(91)]),
            .map(["disk": .string("/dev/vdb1"), "used": .int(7)]),
        ]))
        #expect(failure("regex", text) == "regex: needs a pattern with named groups, e.g. (?<used>\\d+)% used")
        #expect(failure("regex", text, pattern: #"\d+"#)?.contains("no named group") == true)
        #expect(failure("regex", text, pattern: #"(?<x>"#) == "regex: invalid pattern: (?<x>")
        #expect(failureKind("regex", text) == .invalidPattern)
        #expect(failureKind("regex", text, pattern: #"\d+"#) == .invalidPattern)
        #expect(failureKind("regex", text, pattern: #"(?<x>"#) == .invalidPattern)
    }

    /// A search the engine gives up is an error the step reports: an empty
    /// (or shorter) list would read as output with nothing of interest in it.
    @Test func aRegexSearchCutOffIsAnErrorNotAShorterList() throws {
        let text = "ok 1\n" + String(repeating: "a", count: 30) + "b\nok 2\n"
        #expect(failure("regex", text, pattern: #"^(?:ok (?<n>\d+)|(?<run>(a+)+)$)"#)
            == #"regex: abandoned matching "^(?:ok (?<n>\\d+)|(?<run>(a+)+)$)": it backtracked at one place in the text for more than 0.05 seconds, and past that the engine may answer "no match" without having finished"#)
        #expect(failureKind("regex", text, pattern: #"^(?:ok (?<n>\d+)|(?<run>(a+)+)$)"#) == .abandoned)
        // Bounded, not broken: the same pattern over text it can finish.
        #expect(try parse("regex", "ok 1\naaab\nok 2\n", pattern: #"^(?:ok (?<n>\d+)|(?<run>(a+)+)$)"#)
            == .list([.map(["n": .int(1), "run": .null]), .map(["n": .int(2), "run": .null])]))
    }

    @Test func unknownParsersGetADidYouMean() {
        #expect(failure("tabel", "") == "tabel: no such parser; did you mean 'table'? (parsers: \(OutputParsers.names.joined(separator: ", ")))")
        #expect(failure("pegasus.node", "")?.hasPrefix("pegasus.node: no such parser; did you mean 'pegasus.nodes'?") == true)
        #expect(failureKind("tabel", "") == .noSuchParser)
    }

    @Test func valuesPrintAsJSON() {
        #expect(Value.map(["d": .duration(.seconds(90)), "n": .double(.infinity), "s": .string("a/b")]).jsonText()
            == "{\n  \"d\" : \"1m30s\",\n  \"n\" : null,\n  \"s\" : \"a/b\"\n}")
    }
}
