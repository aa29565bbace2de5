/// Text a host printed, made safe and readable for a page: ANSI colour and
/// bold codes (SGR) become segments with a class from a fixed allowlist
/// (`ansi-red`, `ansi-bold`, …); every other escape sequence (cursor moves,
/// window titles, hyperlinks) and every other control character is dropped.
/// The segments' text is still rendered escaped by the template: nothing a
/// host prints is ever markup, a class name of its choosing, or a link.
enum TerminalText {
    /// A run of text in one style: `classes` only ever holds allowlisted names.
    struct Segment: Equatable {
        var text: String
        var classes: String
    }

    private static let colours = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// `text` cut into styled segments.
    static func segments(_ text: String) -> [Segment] {
        var segments: [Segment] = []
        var bold = false
        var colour: String?
        var current = ""
        func style() -> String { [bold ? "ansi-bold" : nil, colour.map { "ansi-\($0)" }].compactMap { $0 }.joined(separator: " ") }
        func flush() {
            guard !current.isEmpty else { return }
            if let last = segments.last, last.classes == style() {
                segments[segments.count - 1].text += current
            } else {
                segments.append(Segment(text: current, classes: style()))
            }
            current = ""
        }
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\u{1B}" {
                index += 1
                guard index < scalars.count else { break }
                switch scalars[index] {
                case "[":
                    // CSI: parameters and intermediates, then one final byte in @…~.
                    var parameters = ""
                    index += 1
                    while index < scalars.count, !(0x40...0x7E).contains(scalars[index].value) {
                        parameters.unicodeScalars.append(scalars[index])
                        index += 1
                    }
                    if index < scalars.count, scalars[index] == "m" {
                        flush()
                        apply(parameters, bold: &bold, colour: &colour)
                    }
                    index += 1
                case "]", "P", "X", "^", "_":
                    // OSC, DCS and the like: a string up to BEL or ESC \, dropped whole (titles, hyperlinks).
                    index += 1
                    while index < scalars.count, scalars[index] != "\u{07}", scalars[index] != "\u{1B}" { index += 1 }
                    if index < scalars.count, scalars[index] == "\u{1B}" { index += 1 }
                    index += 1
                default:
                    index += 1
                }
                continue
            }
            if scalar == "\n" || scalar == "\t" || !(scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format
                                                     && scalar.value != 0x200D) {
                current.unicodeScalars.append(scalar)
            } else if scalar == "\r" {
                // A bare carriage return (progress bars) starts the line again: keep what it meant, a new line.
                if index + 1 < scalars.count, scalars[index + 1] == "\n" {} else { current.unicodeScalars.append("\n") }
            }
            index += 1
        }
        flush()
        return segments
    }

    /// Applies SGR parameters (`1;31`, empty for reset) to the current style.
    private static func apply(_ parameters: String, bold: inout Bool, colour: inout String?) {
        let codes = parameters.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) ?? 0 }
        var index = 0
        while index < max(codes.count, 1) {
            let code = codes.isEmpty ? 0 : codes[index]
            switch code {
            case 0: bold = false; colour = nil
            case 1: bold = true
            case 22: bold = false
            case 30...37: colour = colours[code - 30]
            case 90...97: colour = colours[code - 90]
            case 39: colour = nil
            case 38, 48:
                // 256-colour and true-colour forms: skipped with their arguments (not in the allowlist).
                if index + 1 < codes.count { index += codes[index + 1] == 5 ? 2 : 4 }
            default: break
            }
            index += 1
        }
    }
}
