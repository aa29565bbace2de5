import Foundation
import WardenCore

/// Where the journal database's password comes from, never argv: a file (`password_file:` in
/// the serve config, else `WARDEN_STATE_PASSWORD_FILE`), else the `WARDEN_STATE_PASSWORD`
/// environment variable; none for a server that trusts the connection (a local socket's peer
/// authentication, a client certificate).
public enum PostgresPassword {
    public static func resolve(file: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws(JournalError) -> String? {
        if let file = file ?? environment["WARDEN_STATE_PASSWORD_FILE"].flatMap({ $0.isEmpty ? nil : $0 }) {
            return try read(file)
        }
        if let password = environment["WARDEN_STATE_PASSWORD"], !password.isEmpty { return password }
        return nil
    }

    /// The first line of `path`, which must be a regular file (not a link) that others cannot read.
    static func read(_ path: String) throws(JournalError) -> String {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            let reason = errno == ELOOP ? "it is a symbolic link (name the file itself)" : String(cString: strerror(errno))
            throw JournalError(.cannotOpen, "cannot read the journal database's password file \(path): \(reason)")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw JournalError(.cannotOpen, "the journal database's password file \(path) is not a regular file")
        }
        guard info.st_mode & 0o007 == 0 else {
            throw JournalError(.cannotOpen, "the journal database's password file \(path) can be read by other users: chmod o-rwx \(path)")
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += buffer[0..<count]
            guard bytes.count <= 65536 else { throw JournalError(.cannotOpen, "the journal database's password file \(path) is too long") }
        }
        let line = String(decoding: bytes, as: UTF8.self).split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let password = String(line).trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
        guard !password.isEmpty else { throw JournalError(.cannotOpen, "the journal database's password file \(path) is empty") }
        return password
    }
}
