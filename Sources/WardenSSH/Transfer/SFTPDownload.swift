import CLibSSH
import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension SSHSession {
    /// Streams a remote file to `localPath` over SFTP. The bytes go to a
    /// temporary name beside the destination, hashed on the way, and are
    /// renamed into place only when complete, so a reader never sees half a
    /// file (a core dump cut short looks valid to gdb until it is not).
    ///
    /// Only a regular file is fetched, and only the bytes it had when the
    /// download began: the remote path is `lstat`-ed first (a symbolic link
    /// is refused unless `limits.followSymlinks`), the opened handle is
    /// `fstat`-ed and must be that same file, and the stream must end at the
    /// size listed. A path swapped for a link to /etc/shadow, for /dev/zero
    /// or for a file that keeps growing is refused, never fetched. The size
    /// cap and the deadline hold while the bytes stream; whatever stops the
    /// download removes the partial file.
    ///
    /// Blocking: call on a pool thread.
    func download(remotePath: String, to localPath: String, limits: DownloadLimits,
                  cancellation: CancellationFlag) throws -> DownloadResult {
        let clock = ContinuousClock()
        let started = clock.now
        let deadline = limits.timeout.map { started + $0 }
        defer { lastUsed = clock.now }
        guard let sftp = sftp_new(raw) else { throw transferError(remotePath, "could not start SFTP: \(libsshError)") }
        defer { sftp_free(sftp) }
        guard sftp_init(sftp) == SSH_OK else {
            throw transferError(remotePath, "the server refused the SFTP subsystem (\(libsshError))",
                                remedy: "Enable 'Subsystem sftp' in the host's sshd_config")
        }
        let listed = try listedFile(remotePath, sftp: sftp, limits: limits)
        guard let file = sftp_open(sftp, remotePath, O_RDONLY, 0) else {
            throw transferError(remotePath, "cannot open it: \(sftpErrorText(sftp))",
                                remedy: "Check the path and that user \(target.user) may read it")
        }
        // A read still in flight when the download stops (deadline, cancel)
        // would make sftp_close wait for the server's answer, which a wedged
        // server never sends: such a handle is dropped with the SFTP channel.
        var readInFlight = false
        defer {
            if readInFlight { Self.abandon(file) } else { sftp_close(file) }
        }
        try checkOpened(file, remotePath, listed: listed)

        let temporary = localPath + ".warden-partial-\(UUID().uuidString.prefix(8))"
        // O_EXCL | O_NOFOLLOW: a name planted in the destination folder is
        // never written through.
        let descriptor = Glibc.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw transferError(remotePath, "cannot create \(temporary): \(String(cString: strerror(errno)))",
                                remedy: "Check that the destination folder exists and is writable")
        }
        let output = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        var completed = false
        defer {
            try? output.close()
            if !completed { unlink(temporary) }
        }

        var hasher = SHA256()
        var total: UInt64 = 0
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        /// Throws when the caller gave up or the deadline passed.
        func checkStop() throws {
            if cancellation.isCancelled {
                throw SSHError(.cancelled, host: target.label, detail: "download of \(remotePath) cancelled after \(total) bytes",
                               remedy: "Nothing was left at \(localPath); run it again when ready")
            }
            if let deadline, clock.now >= deadline {
                throw SSHError(.transferTimedOut, host: target.label,
                               detail: "\(remotePath): stopped when its time ran out (\(limits.timeout?.shortText ?? "")) after \(total) of \(listed.size) bytes; nothing was kept at \(localPath)",
                               remedy: "Raise the step's timeout for a file this large or a link this slow")
            }
        }
        // Non-blocking reads, one request at a time: the wait for each
        // answer wakes every 50 ms to honour the deadline and cancellation.
        sftp_file_set_nonblocking(file)
        while true {
            try checkStop()
            // One byte more than listed is asked for at the end: a file that
            // grew shows it without a single byte past the listed size kept.
            let wanted = UInt32(min(UInt64(buffer.count), listed.size - total + 1))
            let request = sftp_async_read_begin(file, wanted)
            guard request >= 0 else {
                throw transferError(remotePath, "read request failed after \(total) bytes: \(sftpErrorText(sftp))")
            }
            readInFlight = true
            var received: Int32
            while true {
                received = buffer.withUnsafeMutableBytes { sftp_async_read(file, $0.baseAddress, wanted, UInt32(request)) }
                guard received == SSH_AGAIN else { break }
                try checkStop()
                _ = ssh_channel_poll_timeout(sftp.pointee.channel, 50, 0)
            }
            readInFlight = false
            if received < 0 { throw transferError(remotePath, "read failed after \(total) bytes: \(sftpErrorText(sftp))") }
            if received == 0 { break }
            let count = UInt64(received)
            if total + count > listed.size {
                throw refusal(remotePath, "grew past the \(listed.size) bytes it had when the download began (it is still being written, or was replaced); stopped, nothing was kept",
                              remedy: "Collect it once nothing writes to it any more, e.g. a copy made on the host")
            }
            if let cap = limits.maxBytes, total + count > UInt64(max(0, cap)) {
                throw refusal(remotePath, "passed the cap of \(cap) bytes while streaming; stopped, nothing was kept",
                              remedy: "Raise the step's max_bytes if a file this large is wanted")
            }
            let chunk = buffer[0..<Int(received)]
            hasher.update(data: chunk)
            do { try output.write(contentsOf: chunk) } catch {
                throw transferError(remotePath, "writing \(temporary) failed after \(total) bytes: \(error.localizedDescription)",
                                    remedy: "Check free space on the controller")
            }
            total += count
        }
        guard total == listed.size else {
            throw refusal(remotePath, "ended after \(total) of the \(listed.size) bytes it had when the download began (it was truncated or replaced); nothing was kept",
                          remedy: "Check what changed the file on the host, then collect it again")
        }
        do {
            try output.synchronize()
            try output.close()
            // rename(2) replaces an existing file (or a link) atomically, never writing through it.
            guard rename(temporary, localPath) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            throw transferError(remotePath, "could not put the file in place at \(localPath): \(error.localizedDescription)",
                                remedy: "Check the destination path and free space")
        }
        completed = true
        let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        return DownloadResult(localPath: localPath, bytes: Int(total), sha256: digest, duration: clock.now - started)
    }

    /// What the remote path names, before it is opened: a regular file
    /// within the cap (through a link only when links are followed).
    private func listedFile(_ remotePath: String, sftp: sftp_session, limits: DownloadLimits) throws -> RemoteFileFacts {
        guard let linkFacts = sftp_lstat(sftp, remotePath) else {
            throw transferError(remotePath, "cannot read its attributes: \(sftpErrorText(sftp))",
                                remedy: "Check the path and that user \(target.user) may read it")
        }
        defer { sftp_attributes_free(linkFacts) }
        var facts = RemoteFileFacts(linkFacts.pointee)
        if facts.isSymlink {
            let pointsTo = sftp_readlink(sftp, remotePath).map { pointer in
                defer { ssh_string_free_char(pointer) }
                return String(cString: pointer)
            } ?? "an unreadable target"
            guard limits.followSymlinks else {
                throw refusal(remotePath, "is a symbolic link to \(pointsTo); links are not followed",
                              remedy: "Collect the file it points to by its own path, or give the step follow_symlinks: true if this link is trusted")
            }
            guard let targetFacts = sftp_stat(sftp, remotePath) else {
                throw transferError(remotePath, "is a symbolic link to \(pointsTo), which cannot be read: \(sftpErrorText(sftp))",
                                    remedy: "Check the link's target and that user \(target.user) may read it")
            }
            defer { sftp_attributes_free(targetFacts) }
            facts = RemoteFileFacts(targetFacts.pointee)
        }
        guard facts.isRegular else {
            throw refusal(remotePath, "is \(facts.kindText), not a regular file; not fetched",
                          remedy: "Collect regular files only; check the path the step was given")
        }
        guard facts.hasSize else {
            throw refusal(remotePath, "the server did not report its size, so it cannot be bounded; not fetched",
                          remedy: "Use an SFTP server that reports file sizes (OpenSSH does)")
        }
        if let cap = limits.maxBytes, facts.size > UInt64(max(0, cap)) {
            throw refusal(remotePath, "is \(facts.size) bytes, over the cap of \(cap) bytes; not fetched",
                          remedy: "Raise the step's max_bytes if a file this large is wanted")
        }
        return facts
    }

    /// The opened handle must be the file that was listed: a path swapped
    /// between the lstat and the open (for a link, a device, another file)
    /// shows a different kind, size, owner or time.
    private func checkOpened(_ file: sftp_file, _ remotePath: String, listed: RemoteFileFacts) throws {
        guard let opened = sftp_fstat(file) else {
            throw transferError(remotePath, "cannot read the attributes of the opened file: \(libsshError)")
        }
        defer { sftp_attributes_free(opened) }
        let facts = RemoteFileFacts(opened.pointee)
        guard facts.isRegular, facts.hasSize, facts.size == listed.size, facts.uid == listed.uid, facts.modified == listed.modified else {
            throw refusal(remotePath, "changed between being listed and being opened (listed: \(listed.summary); opened: \(facts.summary)); not fetched",
                          remedy: "Something replaced the file meanwhile: check the host, then collect it again")
        }
    }

    /// Frees an SFTP file handle without the CLOSE round trip (see `download`):
    /// the server closes it when the SFTP channel goes, right after.
    private static func abandon(_ file: sftp_file) {
        free(file.pointee.name)
        if let handle = file.pointee.handle { ssh_string_free(handle) }
        free(file)
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

    private func refusal(_ remotePath: String, _ detail: String, remedy: String) -> SSHError {
        SSHError(.transferRefused, host: target.label, detail: "\(remotePath): \(detail)", remedy: remedy)
    }
}
