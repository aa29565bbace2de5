import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Opening the journal's files in a state folder others may write to: never
/// through a planted link, never a file that has another name, and shared
/// with the folder's group (or everyone) only as the folder is.
extension SQLiteJournalStore {
    /// Linux's O_PATH, which Swift's Glibc module leaves out (glibc defines
    /// it only under _GNU_SOURCE); the same value on x86-64 and arm64.
    static let openPathOnly: Int32 = 0o10000000

    /// Creates an empty database file when there is none, never through a
    /// link. Closing the new file at once is safe: no connection has it open.
    static func createIfMissing(_ path: String, directory: String) throws(JournalError) {
        // 0644 less the umask: the mode SQLite gives a database it creates.
        let created = Glibc.open(path, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0o644)
        if created >= 0 {
            Glibc.close(created)
        } else if errno != EEXIST {
            throw JournalError(.cannotOpen, "cannot create the journal \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// The database file's identity, once it is known to be a regular file
    /// with one name: not a link, and not a hard link to someone's file.
    static func vetted(_ path: String, directory: String) throws(JournalError) -> stat {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            throw JournalError(.cannotOpen, "cannot open the journal \(path): \(String(cString: strerror(errno)))")
        }
        if info.st_mode & S_IFMT == S_IFLNK {
            throw JournalError(.cannotOpen, "cannot open the journal: " + PlantedLink.refusal(path, pointsTo: PlantedLink.target(of: path), folder: directory))
        }
        guard info.st_mode & S_IFMT == S_IFREG, info.st_nlink == 1 else {
            throw JournalError(.cannotOpen, notSingleFile(path, links: Int(info.st_nlink), directory: directory))
        }
        return info
    }

    static func notSingleFile(_ path: String, links: Int, directory: String) -> String {
        "cannot open the journal: \(path) is not a regular file with a single name (\(links) hard links); "
            + "check what it is and whose file it shares its data with, remove it (rm '\(path)'), "
            + "and keep \(directory) writable only by those who run Warden"
    }

    /// Opens one of the journal's files without following a link there,
    /// and checks that it is a regular file with no other name (a hard link
    /// to someone's file would be as bad as a symbolic one).
    /// `mode` (less the umask) is for a file it creates; shareLikeFolder sets the mode a shared folder needs.
    static func openUnfollowed(_ file: String, flags: Int32, mode: mode_t, directory: String) throws(JournalError) -> Int32 {
        let descriptor = Glibc.open(file, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            let problem = errno
            if problem == ELOOP {
                throw JournalError(.cannotOpen, "cannot open the journal: " + PlantedLink.refusal(file, pointsTo: PlantedLink.target(of: file), folder: directory))
            }
            throw JournalError(.cannotOpen, "cannot open \(file): \(String(cString: strerror(problem)))")
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_nlink == 1 else {
            Glibc.close(descriptor)
            throw JournalError(.cannotOpen, notSingleFile(file, links: Int(info.st_nlink), directory: directory))
        }
        return descriptor
    }

    /// In a folder operators share (group- or world-writable, as `--state`
    /// for an initiator and an approver on one bastion), the database must
    /// be writable by them too; SQLite gives its -wal and -shm files the
    /// database file's mode. A file is changed only when it is this user's
    /// own regular file with one name, and through a descriptor of the file
    /// checked (never by path), so the change cannot be redirected.
    static func shareLikeFolder(_ path: String, directory: String, lock: Int32) {
        var folder = stat()
        guard stat(directory, &folder) == 0 else { return }
        var mode: mode_t = 0o600
        if folder.st_mode & 0o020 != 0 { mode |= 0o060 }
        if folder.st_mode & 0o002 != 0 { mode |= 0o006 }
        guard mode != 0o600 else { return }
        func isOwnFile(_ descriptor: Int32) -> Bool {
            var info = stat()
            return fstat(descriptor, &info) == 0 && info.st_mode & S_IFMT == S_IFREG && info.st_nlink == 1 && info.st_uid == geteuid()
        }
        if isOwnFile(lock) { _ = fchmod(lock, mode) }
        for file in [path, path + "-wal", path + "-shm"] {
            // O_PATH: closing such a descriptor leaves the POSIX locks SQLite
            // holds on the file alone (a normal one would drop them). fchmod
            // does not take one, so the mode goes through its /proc name,
            // which is that very file, as glibc's fchmodat does.
            let descriptor = Glibc.open(file, SQLiteJournalStore.openPathOnly | O_NOFOLLOW | O_CLOEXEC)
            guard descriptor >= 0 else { continue }
            if isOwnFile(descriptor) { _ = chmod("/proc/self/fd/\(descriptor)", mode) }
            Glibc.close(descriptor)
        }
    }
}
