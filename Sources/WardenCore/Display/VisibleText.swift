/// Text from outside Warden (what a host printed, a parameter, a runbook,
/// the journal) made safe to put before a person: every character a
/// terminal would act on rather than show, or that is invisible yet changes
/// what is read, is replaced by a visible escape.
///
/// Shown raw, such text drives the reader's terminal: `ESC[2J` clears the
/// screen, OSC 52 writes the clipboard, OSC 0 retitles the window, and
/// `ESC[2K` plus a carriage return erases a line and writes another over it,
/// so that the plan an approver reads is not the plan that runs.
/// Bidirectional overrides (U+202E) and other invisible format characters
/// reorder or hide what is read without any escape sequence.
///
/// Escapes are `\r`, `\n`, `\t`, `\xHH` for the other ASCII controls and
/// DEL, and `\u{HHHH}` for the rest. A backslash is left as it is: commands
/// are full of them, and what matters is that nothing active or invisible
/// gets through, not that the escaping can be undone.
public enum VisibleText {
    /// A value shown within one line (a parameter, a host name, a reason, a
    /// line of a table): line breaks and tabs are escaped too, so a value can
    /// neither start a line of its own that reads like Warden's nor shift columns.
    public static func line(_ text: some StringProtocol) -> String {
        escaped(text, keepingLayout: false)
    }

    /// Output shown as a block of lines (a host's stdout, a multi-line
    /// message): newlines and tabs are kept as its layout; everything else is
    /// escaped as by `line`.
    public static func block(_ text: some StringProtocol) -> String {
        escaped(text, keepingLayout: true)
    }

    private static func escaped(_ text: some StringProtocol, keepingLayout: Bool) -> String {
        // Almost all text is printable ASCII: checked bytewise, it is returned as it is.
        let plain = text.utf8.allSatisfy { byte in
            (0x20..<0x7F).contains(byte) || (keepingLayout && (byte == 0x0A || byte == 0x09))
        }
        if plain { return String(text) }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if hidden(scalar, keepingLayout: keepingLayout) {
                result += escape(scalar)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Whether a terminal would act on `scalar`, or show nothing for it.
    static func hidden(_ scalar: Unicode.Scalar, keepingLayout: Bool) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: return !keepingLayout
        case 0x00..<0x20, 0x7F: return true
        case 0x20..<0x7F: return false
        default:
            switch scalar.properties.generalCategory {
            // Controls (C1: 0x9B is a one-byte CSI to many terminals), format characters
            // (bidi overrides and isolates, zero-width spaces and joiners, soft hyphen,
            // tag characters) and the Unicode line and paragraph separators.
            case .control, .format, .lineSeparator, .paragraphSeparator: return true
            default: return false
            }
        }
    }

    private static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        default:
            let hex = String(scalar.value, radix: 16)
            if scalar.value < 0x80 { return "\\x" + (hex.count < 2 ? "0" + hex : hex) }
            return "\\u{" + hex.uppercased() + "}"
        }
    }
}
