/// POSIX shell quoting for the process-group wrapper (WardenCore has the public
/// twin that templates use; the SSH layer does not depend on the engine).
/// The one safe way for a value to reach a remote shell
/// as a single word, whatever bytes it holds.
enum ShellQuoting {
    /// `it's` becomes `'it'\''s'`. Plain words stay as they are, for readable command lines.
    static func quote(_ word: String) -> String {
        if !word.isEmpty, word.unicodeScalars.allSatisfy({ safeScalars.contains($0) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    private static let safeScalars = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%".unicodeScalars)
}
