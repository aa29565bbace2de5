import Foundation

/// What Warden knows about where its output goes.
enum Terminal {
    /// Progress is drawn only for a person watching stderr, never into a pipe or a file.
    static var stderrIsInteractive: Bool {
        isatty(STDERR_FILENO) != 0 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    static func writeError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
