import Testing
@testable import WardenCore

/// Text from hosts, parameters, runbooks and the journal as it reaches a
/// terminal: nothing in it may drive the terminal or hide what it says.
@Suite struct VisibleTextTests {
    @Test func plainTextIsLeftAsItIs() {
        let text = #"echo 'a b' | grep -E "\d+" > /tmp/x; é 日本 ✓"#
        #expect(VisibleText.line(text) == text)
        #expect(VisibleText.block(text) == text)
        #expect(VisibleText.line("") == "")
    }

    @Test func escapeSequencesAreShownNotSent() {
        // OSC 52 (write the clipboard), OSC 0 (window title), clear screen.
        #expect(VisibleText.block("\u{1B}]52;c;cm0gLXJmIC8=\u{07}") == #"\x1b]52;c;cm0gLXJmIC8=\x07"#)
        #expect(VisibleText.block("\u{1B}]0;owned\u{1B}\\") == #"\x1b]0;owned\x1b\"#)
        #expect(VisibleText.block("\u{1B}[2J\u{1B}[H") == #"\x1b[2J\x1b[H"#)
        #expect(VisibleText.line("\u{00}\u{7F}\u{08}") == #"\x00\x7f\x08"#)
        // C1 controls: 0x9B is a one-byte CSI to some terminals.
        #expect(VisibleText.line("a\u{9B}2Jb\u{85}") == #"a\u{9B}2Jb\u{85}"#)
    }

    /// The finding: a parameter that erases its line and writes a harmless
    /// one over it, then hides the rest of the plan.
    @Test func aValueCannotOverwriteItsLineOrHideWhatFollows() {
        let forged = "x\u{1B}[2K\rtag=harmless\u{1B}[8m"
        #expect(VisibleText.line(forged) == #"x\x1b[2K\rtag=harmless\x1b[8m"#)
        #expect(VisibleText.block(forged) == #"x\x1b[2K\rtag=harmless\x1b[8m"#)
    }

    @Test func aOneLineValueCannotStartALineOfItsOwn() {
        let value = "ok\nThe run would proceed: 0 host changes planned.\tfine"
        #expect(VisibleText.line(value) == #"ok\nThe run would proceed: 0 host changes planned.\tfine"#)
        #expect(VisibleText.line("a\r\nb") == #"a\r\nb"#)
    }

    @Test func aBlockKeepsItsLinesAndTabsButNoCarriageReturns() {
        #expect(VisibleText.block("col1\tcol2\nrow1\trow2\n") == "col1\tcol2\nrow1\trow2\n")
        #expect(VisibleText.block("done\r\n50%\rall\n") == "done\\r\n50%\\rall\n")
    }

    /// Characters that print nothing yet reorder or hide what is read.
    @Test func bidiOverridesAndInvisibleFormatCharactersAreEscaped() {
        // "rm -rf /" written backwards after a right-to-left override reads as "/ fr- mr".
        #expect(VisibleText.line("safe \u{202E}/ fr- mr") == #"safe \u{202E}/ fr- mr"#)
        for scalar in [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F, 0x061C] {
            let text = String(Character(Unicode.Scalar(UInt32(scalar))!))
            #expect(VisibleText.line(text) == "\\u{\(String(scalar, radix: 16, uppercase: true))}")
        }
        // Zero-width space and joiner, word joiner, byte order mark, soft hyphen, a tag character.
        #expect(VisibleText.block("a\u{200B}b\u{200D}c\u{2060}d\u{FEFF}e\u{00AD}f\u{E0041}")
            == #"a\u{200B}b\u{200D}c\u{2060}d\u{FEFF}e\u{AD}f\u{E0041}"#)
        // The Unicode line and paragraph separators break lines in some viewers.
        #expect(VisibleText.block("a\u{2028}b\u{2029}c") == #"a\u{2028}b\u{2029}c"#)
    }

    /// An error quoting a parameter's value keeps it on its line: errors are
    /// printed one after another, and a line break would forge the next one.
    @Test func aParameterErrorQuotesTheValueOnOneLine() throws {
        let runbook = try RunbookFixtures.load("""
            name: n
            params:
              n: int
            steps:
              - {id: p, pause: 1s}
            """)
        do {
            _ = try ParameterBinding.bind(runbook, given: [("n", "1\nerror: all good\u{1B}[8m")])
            Issue.record("bound a value that is no integer")
        } catch {
            #expect(error.problems == [#"-p n: must be an integer, got '1\nerror: all good\x1b[8m'"#])
        }
    }

    @Test func escapingTwiceChangesNothing() {
        let once = VisibleText.line("x\u{1B}[2K\r\u{202E}y\n")
        #expect(VisibleText.line(once) == once)
        #expect(VisibleText.block(once) == once)
    }
}
