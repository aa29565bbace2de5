import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The key that binds secret parameter values into a plan without storing
/// them: a plan records, per secret, HMAC-SHA256 of its value under this key
/// (`digest(of:parameter:)`), and its hash covers those digests. An approval
/// given for one value of a secret then does not cover another, and a resume
/// can tell whether it was given the secrets the run started with.
///
/// Why keyed: the plan, its hash and these digests are journaled in the state
/// folder, which an initiator shares with approvers, and leave it in audit
/// exports and backups. A plain digest of a low-entropy secret (a short
/// password, a token from a small set) is brute-forced by anyone who reads
/// the journal: digest every candidate, compare. Under a random 256-bit key
/// nobody can test a guess without the key.
///
/// Who can read the key: its owner alone. Every operating-system user has a
/// key of their own in the state folder (`secret-digest-<uid>.key`, 0600),
/// made by the first plan or run of theirs that needs it, so approvers who
/// read the shared journal cannot read the initiator's key. Root reads every
/// key, as it reads the memory of the processes holding the secrets: the key
/// protects the secrets from readers of the journal, not from its owner or
/// root. The file is never opened through a link, and one that is another
/// user's, has another name (a hard link), can be read by others or has the
/// wrong size is refused, not repaired: others may already have read it.
public struct SecretDigestKey: Sendable {
    /// Bytes of key material.
    public static let size = 32

    /// The key file.
    public let path: String
    /// The user whose key it is (its file's owner).
    public let owner: UInt32
    /// Names the key without revealing it (a digest of the key), so a resume
    /// can tell a key made again since the run started from a secret that changed.
    public let id: String
    private let key: SymmetricKey

    /// The key file's name in the state folder for the user `owner`.
    static func fileName(owner: UInt32) -> String {
        "secret-digest-\(owner).key"
    }

    /// This user's key in the state folder `directory`, made (with the folder) when there is none.
    public static func openOrCreate(directory: String) throws(SecretDigestKeyError) -> SecretDigestKey {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw SecretDigestKeyError(.cannotCreate, "cannot create the state folder \(directory): \(error.localizedDescription)")
        }
        let owner = UInt32(geteuid())
        let path = (directory as NSString).appendingPathComponent(fileName(owner: owner))
        // Another process of the same user may have just made the file and not
        // yet written the key: a short file is read again for a while.
        for _ in 0..<40 {
            // O_EXCL never follows a link: a link planted at the name is EEXIST, then refused by read.
            let created = Glibc.open(path, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if created >= 0 {
                defer { Glibc.close(created) }
                return try make(in: created, path: path, owner: owner)
            }
            guard errno == EEXIST else {
                throw SecretDigestKeyError(.cannotCreate, "cannot create the secret digest key \(path): \(String(cString: strerror(errno)))")
            }
            if let key = try read(path, owner: owner, directory: directory) { return key }
            usleep(50_000)
        }
        throw shortKey(path)
    }

    /// The key of `owner` in the state folder `directory`, as a resume needs
    /// it to check the secrets it is given; never made.
    public static func open(directory: String, owner: UInt32) throws(SecretDigestKeyError) -> SecretDigestKey {
        let path = (directory as NSString).appendingPathComponent(fileName(owner: owner))
        guard let key = try read(path, owner: owner, directory: directory) else { throw shortKey(path) }
        return key
    }

    /// `hmac-sha256:` and the hex digest of the secret parameter `name`'s
    /// value. The name is part of the message, so two secrets that share a
    /// value do not show it by sharing a digest.
    public func digest(of value: Value, parameter name: String) -> String {
        let message = Array("warden secret parameter\u{0}\(name)\u{0}\(value.jsonText(pretty: false))".utf8)
        return "hmac-sha256:" + HMAC<SHA256>.authenticationCode(for: message, using: key).hexText
    }

    private init(path: String, owner: UInt32, key: SymmetricKey) {
        self.path = path
        self.owner = owner
        self.key = key
        let material = key.withUnsafeBytes { Array($0) }
        id = "sha256:" + SHA256.hash(data: Array("warden secret digest key\u{0}".utf8) + material).hexText.prefix(16)
    }

    /// Writes a fresh random key to the file just created (descriptor `file`).
    private static func make(in file: Int32, path: String, owner: UInt32) throws(SecretDigestKeyError) -> SecretDigestKey {
        // The umask can only have narrowed 0600; set it through the descriptor all the same.
        _ = fchmod(file, 0o600)
        let key = SymmetricKey(size: .bits256)
        let written = key.withUnsafeBytes { Glibc.write(file, $0.baseAddress, $0.count) }
        guard written == size, fsync(file) == 0 else {
            throw SecretDigestKeyError(.cannotCreate, "cannot write the secret digest key \(path): \(String(cString: strerror(errno))); remove it (rm '\(path)') and try again")
        }
        return SecretDigestKey(path: path, owner: owner, key: key)
    }

    /// The key at `path`, checked; nil when the file is still shorter than a key.
    private static func read(_ path: String, owner: UInt32, directory: String) throws(SecretDigestKeyError) -> SecretDigestKey? {
        let file = Glibc.open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard file >= 0 else {
            let problem = errno
            switch problem {
            case ELOOP:
                throw SecretDigestKeyError(.untrusted, "cannot use the secret digest key: " + PlantedLink.refusal(path, pointsTo: PlantedLink.target(of: path), folder: directory))
            case ENOENT:
                throw SecretDigestKeyError(.missing, "there is no secret digest key \(path)")
            case EACCES:
                throw SecretDigestKeyError(.unreadable, "cannot read the secret digest key \(path): it is the key of user \(owner), which only that user (and root) can read")
            default:
                throw SecretDigestKeyError(.unreadable, "cannot read the secret digest key \(path): \(String(cString: strerror(problem)))")
            }
        }
        defer { Glibc.close(file) }
        var info = stat()
        guard fstat(file, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_nlink == 1 else {
            throw SecretDigestKeyError(.untrusted, "cannot use the secret digest key: \(path) is not a regular file with a single name (\(info.st_nlink) hard links); "
                                       + "check what it is, remove it (rm '\(path)'), and keep \(directory) writable only by those who run Warden")
        }
        guard info.st_uid == owner else {
            throw SecretDigestKeyError(.untrusted, "cannot use the secret digest key: \(path) belongs to user \(info.st_uid), not to user \(owner) whose key it is named for; "
                                       + "someone else made it, so they may know it: check who, remove it (rm '\(path)'), and keep \(directory) writable only by those who run Warden")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw SecretDigestKeyError(.untrusted, "cannot use the secret digest key: \(path) can be read by others (mode \(String(info.st_mode & 0o777, radix: 8))), "
                                       + "who could then test guesses of secrets against the digests in the journal; remove it (rm '\(path)') so a new one is made "
                                       + "(runs started with it can then no longer check their secrets on resume)")
        }
        var bytes = [UInt8](repeating: 0, count: size + 1)
        var count = 0
        while count < bytes.count {
            let got = bytes.withUnsafeMutableBytes { Glibc.read(file, $0.baseAddress?.advanced(by: count), $0.count - count) }
            guard got > 0 else { break }
            count += got
        }
        guard count <= size else {
            throw SecretDigestKeyError(.wrongSize, "cannot use the secret digest key: \(path) is longer than a key (\(size) bytes); check what it is and remove it (rm '\(path)')")
        }
        guard count == size else { return nil }
        return SecretDigestKey(path: path, owner: owner, key: SymmetricKey(data: bytes[0..<size]))
    }

    private static func shortKey(_ path: String) -> SecretDigestKeyError {
        SecretDigestKeyError(.wrongSize, "cannot use the secret digest key: \(path) is shorter than a key (\(size) bytes), as a Warden that died while making it "
                             + "would leave it; remove it (rm '\(path)') so a new one is made")
    }
}
