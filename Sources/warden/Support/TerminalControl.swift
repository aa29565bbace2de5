/// The escape sequences Warden itself sends to redraw live progress: the
/// only ones that reach the terminal unescaped (see `Terminal`).
enum TerminalControl {
    /// Back to the start of the line, and clear it.
    case clearLine
    /// Up over the `lines` lines above the cursor, to their start, and clear
    /// everything from there down.
    case eraseLinesAbove(Int)

    var sequence: String {
        switch self {
        case .clearLine: "\r\u{1B}[K"
        case let .eraseLinesAbove(lines): "\u{1B}[\(lines)A\r\u{1B}[J"
        }
    }
}
