import Testing
@testable import WardenCore

@Suite struct DiagnosticsTests {
    @Test func sourceLocationReadsFileLineColumn() {
        #expect(SourceLocation(file: "inv.yaml", line: 12, column: 5).description == "inv.yaml:12:5")
    }

    @Test func sourceLocationsSortByFileThenLineThenColumn() {
        let a = SourceLocation(file: "a.yaml", line: 9, column: 9)
        let b1 = SourceLocation(file: "b.yaml", line: 2, column: 1)
        let b2 = SourceLocation(file: "b.yaml", line: 2, column: 7)
        let b3 = SourceLocation(file: "b.yaml", line: 10, column: 1)
        #expect([b3, b2, a, b1].sorted() == [a, b1, b2, b3])
    }

    @Test func locatedErrorWithLocationAndHint() {
        let error = LocatedError(
            "unknown key 'adress' in host 'meta-1'",
            at: SourceLocation(file: "inv.yaml", line: 12, column: 5),
            hint: "did you mean 'address'?")
        #expect(error.description == "inv.yaml:12:5: error: unknown key 'adress' in host 'meta-1'; did you mean 'address'?")
    }

    @Test func locatedErrorWithoutLocationOrHint() {
        #expect(LocatedError("cannot read 'x'").description == "error: cannot read 'x'")
        #expect(LocatedError("bad", hint: "try again").description == "error: bad; try again")
    }

    @Test func inventoryErrorsPrintOneLinePerError() {
        let errors = InventoryErrors([
            LocatedError("first", at: SourceLocation(file: "f", line: 1, column: 2)),
            LocatedError("second", at: SourceLocation(file: "f", line: 3, column: 4), hint: "fix it"),
        ])
        #expect(errors.description == "f:1:2: error: first\nf:3:4: error: second; fix it")
    }

    @Test func selectionErrorAppendsHint() {
        let error = SelectionError(.unknownName, pattern: "x", message: "pattern 'x': nope", hint: "did you mean 'y'?")
        #expect(error.description == "pattern 'x': nope; did you mean 'y'?")
    }

    @Test func suggestionsPreferTheClosestNameAndIgnoreFarOnes() {
        #expect(NameSuggestion.hint(for: "adress", among: ["address", "port"]) == "did you mean 'address'?")
        #expect(NameSuggestion.hint(for: "prot", among: ["port", "user"]) == "did you mean 'port'?")
        #expect(NameSuggestion.hint(for: "Port", among: ["port"]) == "did you mean 'port'?")
        #expect(NameSuggestion.hint(for: "colour", among: ["hosts", "children", "vars"]) == nil)
        // Equally close: the alphabetically first wins, so hints are stable.
        #expect(NameSuggestion.closest(to: "meta-3", among: ["meta-2", "meta-1"]) == "meta-1")
    }
}
