/// POSIX shell quoting: the one safe way for a value to reach a remote shell
/// as a single word, whatever bytes it holds.
public enum ShellQuoting {
    /// `it's` becomes `'it'\''s'`. Plain words stay as they are, for readable command lines.
    public static func quote(_ word: String) -> String {
        if !word.isEmpty, word.unicodeScalars.allSatisfy({ safeScalars.contains($0) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    private static let safeScalars = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%".unicodeScalars)
}
