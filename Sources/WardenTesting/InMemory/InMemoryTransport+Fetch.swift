import Crypto
import Foundation
import WardenCore

/// `fetch` from the files the test put on the host, within the `FetchLimits`
/// as the SSH transport keeps them.
extension InMemoryTransport {
    public func fetch(_ remotePath: String, from host: InventoryHost, to localPath: String,
                      limits: FetchLimits) async throws(TransportError) -> FetchedFile {
        func refused(_ detail: String) -> TransportError {
            TransportError(kind: .transferRefused, host: host.name, message: "\(host.name): transfer refused: \(remotePath): \(detail)")
        }
        func failed(_ detail: String) -> TransportError {
            TransportError(kind: .transferFailed, host: host.name, message: "\(host.name): transfer failed: \(remotePath): \(detail)")
        }
        if Task.isCancelled {
            throw TransportError(kind: .cancelled, host: host.name, message: "\(host.name): cancelled: cancelled before it started. Nothing ran on the host")
        }
        let started = clock.instant
        let found: Result<InMemoryFile?, TransportError> = lock.withLock {
            var record = hosts[host.name] ?? InMemoryHost(name: host.name)
            if let kind = record.connectionFailure { return .failure(Self.connectionError(kind, host: host.name)) }
            record.fetched.append(remotePath)
            hosts[host.name] = record
            return .success(record.state.files[remotePath])
        }
        notifyWatchers()
        var file = try found.get()
        // Links are followed (when allowed) as the server resolves them, a few hops at most.
        var hops = 0
        while case let .symbolicLink(target)? = file {
            guard limits.followSymlinks else { throw refused("is a symbolic link to \(target); links are not followed") }
            hops += 1
            guard hops <= 8 else { throw failed("too many levels of symbolic links") }
            file = state(of: host.name).files[target]
        }
        let data: Data
        let readTime: Duration
        switch file {
        case nil:
            throw failed("cannot open it: No such file")
        case .directory?, .symbolicLink?:
            throw refused("is a directory, not a regular file; not fetched")
        case let .regular(contents, time)?:
            (data, readTime) = (contents, time)
        }
        if let cap = limits.maxBytes, data.count > cap {
            throw refused("is \(data.count) bytes, over the cap of \(cap) bytes; not fetched")
        }
        if readTime > .zero {
            let timeoutAt = limits.timeout.map { started + $0 }
            switch await waitForEnd(host: host.name, finishAt: clock.instant + readTime, timeoutAt: timeoutAt) {
            case .finished:
                break
            case .timedOut:
                throw TransportError(kind: .transferTimedOut, host: host.name,
                                     message: "\(host.name): transfer timed out: \(remotePath): still downloading after \(limits.timeout.map(DurationText.format) ?? "its deadline"); stopped, nothing was kept")
            case .cancelled, .ended:
                throw TransportError(kind: .cancelled, host: host.name, message: "\(host.name): cancelled: download of \(remotePath) cancelled")
            }
        }
        do {
            try await Self.write(data, to: localPath)
        } catch {
            throw failed("could not put the file in place at \(localPath): \(error)")
        }
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        return FetchedFile(localPath: localPath, bytes: data.count, sha256: digest, duration: clock.instant - started)
    }

    /// Writes the file next to its place and renames it there (as a download does: nothing
    /// half-written is left at `path`), on a thread of its own, off the cooperative pool.
    private static func write(_ data: Data, to path: String) async throws {
        try await onDedicatedThread {
            let partial = path + ".partial-\(UUID().uuidString)"
            do {
                try data.write(to: URL(fileURLWithPath: partial))
                guard rename(partial, path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            } catch {
                unlink(partial)
                throw error
            }
        }
    }
}
