import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension TokenFile {
    /// Writes the file to `path` atomically: a new file made next to it
    /// (O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600, so nothing planted at its
    /// name is opened), written, synced, then renamed over the old one and
    /// the folder synced. A reader sees the old file or the new one, never
    /// half of one, and a crash leaves one of the two. The folder must exist
    /// and pass the checks `load` makes; a link or anything but a regular
    /// file at `path` is refused, not replaced.
    public func save(path: String) throws(TokenFileError) {
        guard let place = try TokenFile.openFolder(of: path) else { throw TokenFile.noFolder(path) }
        defer { Glibc.close(place.folder) }
        try write(in: place)
    }

    /// Reads the file at `path`, applies `change` and saves the result, holding
    /// an exclusive lock on the folder (flock) all along, so that two
    /// `warden token` commands at once cannot lose one's change (a revocation
    /// undone by a concurrent add). `creating`: a missing file is an empty
    /// one (`warden token add`); else it is refused as by `load`. Nothing is
    /// written when `change` throws.
    public static func update<Result>(path: String, creating: Bool,
                                      _ change: (inout TokenFile) throws(TokenFileError) -> Result) throws(TokenFileError) -> Result {
        guard let place = try openFolder(of: path) else {
            if creating { throw noFolder(path) }
            throw TokenFileError(.missing, "there is no token file \(path) (nor its folder \((path as NSString).deletingLastPathComponent)); "
                                 + "make one with its first token (warden token add NAME --role ROLE --tokens '\(path)')")
        }
        defer { Glibc.close(place.folder) }
        guard flock(place.folder, LOCK_EX) == 0 else {
            throw TokenFileError(.cannotWrite, "cannot lock the folder \(place.folderPath) of the token file \(path): \(String(cString: strerror(errno)))")
        }
        defer { flock(place.folder, LOCK_UN) }
        var file: TokenFile
        if let existing = try read(in: place) {
            file = existing
        } else if creating {
            file = TokenFile()
        } else {
            throw TokenFileError(.missing, "there is no token file \(path); make one with its first token (warden token add NAME --role ROLE --tokens '\(path)')")
        }
        let result = try change(&file)
        try file.write(in: place)
        return result
    }

    /// The document as saved: keys sorted, one token per entry, roles in `Role.allCases` order.
    /// Internal: it holds the digests, which no output of Warden shows.
    var jsonText: String {
        let tokens: [Value] = entries.map { entry in
            var fields: [String: Value] = [
                "name": .string(entry.name),
                "roles": .list(entry.sortedRoles.map { .string($0.rawValue) }),
                "sha256": .string(entry.digest.hexText),
                "created_at": .int(Int(entry.createdAt)),
            ]
            if let expires = entry.expiresAt { fields["expires_at"] = .int(Int(expires)) }
            return .map(fields)
        }
        return Value.map(["version": .int(TokenFile.version), "tokens": .list(tokens)]).jsonText(pretty: true) + "\n"
    }

    private func write(in place: Place) throws(TokenFileError) {
        let path = place.path
        func failed(_ what: String, _ problem: Int32) -> TokenFileError {
            TokenFileError(.cannotWrite, "cannot save the token file \(path): \(what): \(String(cString: strerror(problem))); it is left as it was")
        }
        // Whatever stands at the name must be a token file to replace: renaming over a link
        // would not follow it, but a link there is someone's doing and is reported, as `load` does.
        var existing = stat()
        if fstatat(place.folder, place.name, &existing, AT_SYMLINK_NOFOLLOW) == 0 {
            if existing.st_mode & S_IFMT == S_IFLNK { throw TokenFile.linkRefusal(at: place) }
            guard existing.st_mode & S_IFMT == S_IFREG else {
                throw TokenFileError(.untrusted, "cannot save the token file \(path): something that is not a regular file is there; "
                                     + "check what it is, or point --tokens elsewhere")
            }
        }
        var random = SystemRandomNumberGenerator()
        let temporary = ".\(place.name).\(String(random.next(), radix: 16)).tmp"
        let file = openat(place.folder, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard file >= 0 else { throw failed("cannot create \(place.folderPath)/\(temporary)", errno) }
        var renamed = false
        defer { if !renamed { unlinkat(place.folder, temporary, 0) } }
        var open = true
        defer { if open { Glibc.close(file) } }
        // The umask can only have narrowed 0600; set it through the descriptor all the same.
        guard fchmod(file, 0o600) == 0 else { throw failed("cannot set its mode", errno) }
        let bytes = Array(jsonText.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(file, $0.baseAddress! + written, $0.count - written) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw failed("cannot write it", errno) }
            written += count
        }
        guard fsync(file) == 0 else { throw failed("cannot sync it to disk", errno) }
        open = false
        guard Glibc.close(file) == 0 else { throw failed("cannot close it", errno) }
        guard renameat(place.folder, temporary, place.folder, place.name) == 0 else {
            throw failed("cannot rename \(temporary) to \(place.name)", errno)
        }
        renamed = true
        // The rename is durable only once the folder is synced; it is done either way.
        _ = fsync(place.folder)
    }

    private static func noFolder(_ path: String) -> TokenFileError {
        let folder = (path as NSString).deletingLastPathComponent
        return TokenFileError(.cannotWrite, "cannot save the token file \(path): its folder \(folder) does not exist; create it (mkdir -m 700 '\(folder)')")
    }
}
