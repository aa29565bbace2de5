import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension TokenFile {
    /// Larger files are refused unread: a token takes about 200 bytes, so this holds
    /// twenty thousand, and a server must not read whatever size a file grew to.
    public static let maximumFileSize = 4 << 20

    /// The token file at `path`, as `warden serve`, `warden token list` and
    /// `warden token revoke` read it. A missing file is an error here (a
    /// server that silently started with no tokens would lock every client
    /// out with no word why); only `warden token add`, which makes the first
    /// token, takes it for an empty file (`loadOrEmpty`).
    ///
    /// Refused, with a message naming the path, the problem and the fix: a
    /// symbolic link (the file is opened with O_NOFOLLOW), anything but a
    /// regular file with one name, a file of another user than the current
    /// one (root may own it), one group or others may read or write, one in a
    /// folder others could swap it in (`openFolder`), and any content that
    /// is not a valid token file: bad JSON (with its line and column), an
    /// unknown version or key, a bad name, an unknown role, a bad digest or
    /// time, two tokens of one name or one digest.
    public static func load(path: String) throws(TokenFileError) -> TokenFile {
        guard let file = try read(path: path) else {
            throw TokenFileError(.missing, "there is no token file \(path); make one with its first token (warden token add NAME --role ROLE --tokens '\(path)')")
        }
        return file
    }

    /// The token file at `path`, or an empty one when there is none (nor its
    /// folder): for `warden token add`, which then saves the first token.
    /// Everything `load` refuses is refused here too.
    public static func loadOrEmpty(path: String) throws(TokenFileError) -> TokenFile {
        try read(path: path) ?? TokenFile()
    }

    /// The checked and parsed file; nil when there is none.
    private static func read(path: String) throws(TokenFileError) -> TokenFile? {
        guard let place = try openFolder(of: path) else { return nil }
        defer { Glibc.close(place.folder) }
        return try read(in: place)
    }

    /// The checked and parsed file at `place` in its open folder; nil when there is none.
    static func read(in place: Place) throws(TokenFileError) -> TokenFile? {
        let path = place.path
        let file = openat(place.folder, place.name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard file >= 0 else {
            let problem = errno
            switch problem {
            case ENOENT: return nil
            case ELOOP: throw linkRefusal(at: place)
            default: throw TokenFileError(.unreadable, "cannot read the token file \(path): \(String(cString: strerror(problem)))")
            }
        }
        defer { Glibc.close(file) }
        try checkFile(file, at: place)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while bytes.count <= maximumFileSize {
            let got = chunk.withUnsafeMutableBytes { Glibc.read(file, $0.baseAddress, $0.count) }
            if got < 0, errno == EINTR { continue }
            guard got >= 0 else {
                throw TokenFileError(.unreadable, "cannot read the token file \(path): \(String(cString: strerror(errno)))")
            }
            if got == 0 { break }
            bytes += chunk[0..<got]
        }
        guard bytes.count <= maximumFileSize else {
            throw TokenFileError(.malformed, "the token file \(path) is larger than \(maximumFileSize >> 20) MiB, far more than any set of tokens takes; "
                                 + "check what it is")
        }
        return try parse(bytes, path: path)
    }
}
