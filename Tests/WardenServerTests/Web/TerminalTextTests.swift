import Testing
@testable import WardenServer

/// Host output on a page: colours from an allowlist, every other escape and control character gone.
@Suite("Terminal text")
struct TerminalTextTests {
    private func render(_ text: String) -> String {
        TerminalText.segments(text).map { $0.classes.isEmpty ? $0.text : "[\($0.classes)]\($0.text)[/]" }.joined()
    }

    @Test func coloursAndBoldBecomeAllowlistedClasses() {
        #expect(render("a \u{1B}[31mred\u{1B}[0m b") == "a [ansi-red]red[/] b")
        #expect(render("\u{1B}[1;92mok\u{1B}[22m still green\u{1B}[39m plain") == "[ansi-bold ansi-green]ok[/][ansi-green] still green[/] plain")
        #expect(render("\u{1B}[mreset") == "reset")
    }

    @Test func otherEscapesAndControlsAreDroppedWhole() {
        // A window title, a hyperlink, cursor moves, 256-colour and true-colour codes, a bell, a bidi override.
        #expect(render("\u{1B}]0;owned\u{07}x") == "x")
        #expect(render("\u{1B}]8;;https://evil.example\u{1B}\\link\u{1B}]8;;\u{1B}\\") == "link")
        #expect(render("\u{1B}[2J\u{1B}[10;5Hy") == "y")
        #expect(render("\u{1B}[38;5;196mz\u{1B}[48;2;1;2;3mw") == "zw")
        #expect(render("a\u{07}b\u{202E}c\u{0}d") == "abcd")
        #expect(render("tab\tand\nline") == "tab\tand\nline")
    }

    @Test func aCarriageReturnIsANewLineAndCRLFIsOne() {
        #expect(render("10%\r20%\r\ndone") == "10%\n20%\ndone")
    }

    @Test func garbageNeverCrashesAndNeverLeavesAnEscape() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["\u{1B}", "[", "]", "m", "31", ";", "\u{07}", "\\", "a", "<", "\r", "\n", "\u{1B}[", "9", "P"]
        for _ in 0..<2000 {
            let text = (0..<Int.random(in: 0...30, using: &generator)).map { _ in pieces.randomElement(using: &generator) ?? "" }.joined()
            let segments = TerminalText.segments(text)
            #expect(segments.allSatisfy { !$0.text.contains("\u{1B}") && !$0.text.contains("\u{07}") }, "\(text.debugDescription)")
            #expect(segments.allSatisfy { $0.classes.split(separator: " ").allSatisfy { $0.hasPrefix("ansi-") } })
        }
    }
}
