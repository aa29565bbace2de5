import Foundation
import WardenCore

/// What Warden knows about where its output goes, and the one way text
/// reaches it.
///
/// Everything written for a person goes through `VisibleText.block`: the
/// renderers escape one-line values themselves (`VisibleText.line`, so a
/// value cannot forge a line), and this catches whatever else quotes a host,
/// a parameter, a runbook or the journal (an error message, a warning), so
/// that no path to the terminal carries an escape sequence Warden did not
/// write. Warden's own cursor movements go through `writeError(_:then:)`,
/// JSON documents through `writeJSON`.
enum Terminal {
    /// Progress is drawn only for a person watching stderr, never into a pipe or a file.
    static var stderrIsInteractive: Bool {
        isatty(STDERR_FILENO) != 0 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    static func writeError(_ text: String) {
        FileHandle.standardError.write(Data(VisibleText.block(text).utf8))
    }

    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(VisibleText.block(text).utf8))
    }

    /// `control` as it is, then `text` made visible, in one write so that a
    /// redraw is not torn by another thread's line.
    static func writeError(_ control: TerminalControl, then text: String = "") {
        FileHandle.standardError.write(Data((control.sequence + VisibleText.block(text)).utf8))
    }

    /// A JSON document, byte for byte: the encoder has already escaped every
    /// control character, and scripts rely on the bytes being the encoder's.
    static func writeJSON(_ document: String) {
        FileHandle.standardOutput.write(Data(document.utf8))
    }
}
