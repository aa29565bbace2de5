import CLibSSH
import Crypto
import Foundation

extension SSHSession {
    /// Streams a remote file to `localPath` over SFTP. The bytes go to a
    /// temporary name beside the destination, hashed on the way, and are
    /// renamed into place only when complete, so a reader never sees half a
    /// file (a core dump cut short looks valid to gdb until it is not).
    /// Blocking: call on a pool thread.
    func download(remotePath: String, to localPath: String, cancellation: CancellationFlag) throws -> DownloadResult {
        let clock = ContinuousClock()
        let started = clock.now
        defer { lastUsed = clock.now }
        guard let sftp = sftp_new(raw) else { throw transferError(remotePath, "could not start SFTP: \(libsshError)") }
        defer { sftp_free(sftp) }
        guard sftp_init(sftp) == SSH_OK else {
            throw transferError(remotePath, "the server refused the SFTP subsystem (\(libsshError))",
                                remedy: "Enable 'Subsystem sftp' in the host's sshd_config")
        }
        guard let file = sftp_open(sftp, remotePath, O_RDONLY, 0) else {
            throw transferError(remotePath, "cannot open it: \(sftpErrorText(sftp))",
                                remedy: "Check the path and that user \(target.user) may read it")
        }
        defer { sftp_close(file) }

        let temporary = localPath + ".warden-partial-\(UUID().uuidString.prefix(8))"
        guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o600]),
              let output = FileHandle(forWritingAtPath: temporary) else {
            throw transferError(remotePath, "cannot create \(temporary)", remedy: "Check that the destination folder exists and is writable")
        }
        var completed = false
        defer {
            try? output.close()
            if !completed { try? FileManager.default.removeItem(atPath: temporary) }
        }

        var hasher = SHA256()
        var total = 0
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            if cancellation.isCancelled {
                throw SSHError(.cancelled, host: target.label, detail: "download of \(remotePath) cancelled after \(total) bytes",
                               remedy: "Nothing was left at \(localPath); run it again when ready")
            }
            let n = buffer.withUnsafeMutableBytes { sftp_read(file, $0.baseAddress, $0.count) }
            if n < 0 { throw transferError(remotePath, "read failed after \(total) bytes: \(sftpErrorText(sftp))") }
            if n == 0 { break }
            let chunk = buffer[0..<n]
            hasher.update(data: chunk)
            do { try output.write(contentsOf: chunk) } catch {
                throw transferError(remotePath, "writing \(temporary) failed after \(total) bytes: \(error.localizedDescription)",
                                    remedy: "Check free space on the controller")
            }
            total += n
        }
        do {
            try output.synchronize()
            try output.close()
            // rename(2) replaces an existing file atomically.
            guard rename(temporary, localPath) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            throw transferError(remotePath, "could not put the file in place at \(localPath): \(error.localizedDescription)",
                                remedy: "Check the destination path and free space")
        }
        completed = true
        let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        return DownloadResult(localPath: localPath, bytes: total, sha256: digest, duration: clock.now - started)
    }

    private func sftpErrorText(_ sftp: sftp_session) -> String {
        switch Int32(sftp_get_error(sftp)) {
        case SSH_FX_NO_SUCH_FILE: "no such file"
        case SSH_FX_PERMISSION_DENIED: "permission denied"
        case SSH_FX_FAILURE: "failure (\(libsshError))"
        default: libsshError
        }
    }

    private func transferError(_ remotePath: String, _ detail: String,
                               remedy: String = "Check the connection and retry") -> SSHError {
        SSHError(.transferFailed, host: target.label, detail: "\(remotePath): \(detail)", remedy: remedy)
    }
}
