/// POSIX shell quoting: the one way a value reaches a remote shell from a
/// template, as a single literal word whatever bytes it holds.
///
/// (WardenSSH keeps an internal twin for its process-group wrapper: the SSH
/// layer does not depend on the engine.)
public enum ShellQuoting {
    /// `it's` becomes `'it'\''s'`; plain words stay as they are, for readable command lines.
    public static func quote(_ word: String) -> String {
        if !word.isEmpty, word.unicodeScalars.allSatisfy({ safeScalars.contains($0) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    private static let safeScalars = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%".unicodeScalars)
}
