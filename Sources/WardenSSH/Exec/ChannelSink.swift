/// Receives what libssh's channel callbacks deliver for one command.
///
/// Owned by the worker thread running the command; libssh calls into it
/// from that same thread while it processes packets.
final class ChannelSink {
    var stdout: OutputCapture
    var stderr: OutputCapture
    var exitStatus: Int32?
    var exitSignal: String?
    var closed = false
    /// The remote process group, once the wrapper has reported it.
    var processGroup: Int32?
    /// Told the process group (and its leader's start time, when the host
    /// said) as soon as the wrapper reports it.
    private let onProcessGroup: (@Sendable (Int32, String?) -> Void)?
    /// Stderr bytes held back until the wrapper's first line is complete.
    private var pendingMarker: [UInt8]?
    private let onOutput: (@Sendable (OutputChunk) -> Void)?

    init(limit: OutputLimit, expectsMarker: Bool, onOutput: (@Sendable (OutputChunk) -> Void)?,
         onProcessGroup: (@Sendable (Int32, String?) -> Void)? = nil) {
        self.onProcessGroup = onProcessGroup
        stdout = OutputCapture(limit: limit)
        stderr = OutputCapture(limit: limit)
        pendingMarker = expectsMarker ? [] : nil
        self.onOutput = onOutput
    }

    func receive(_ bytes: UnsafeRawBufferPointer, isStderr: Bool) {
        if isStderr, pendingMarker != nil {
            receiveMarker(bytes)
            return
        }
        if isStderr { stderr.append(bytes) } else { stdout.append(bytes) }
        onOutput?(OutputChunk(stream: isStderr ? .stderr : .stdout, bytes: Array(bytes)))
    }

    /// The stream ended before the marker line was complete: what was held back is ordinary stderr.
    func flushPendingMarker() {
        guard let pending = pendingMarker else { return }
        pendingMarker = nil
        if !pending.isEmpty { pending.withUnsafeBytes { receive($0, isStderr: true) } }
    }

    private func receiveMarker(_ bytes: UnsafeRawBufferPointer) {
        guard var pending = pendingMarker else { return }
        pending.append(contentsOf: bytes)
        guard let newline = pending.firstIndex(of: UInt8(ascii: "\n")) else {
            // A marker line is short; anything longer is not ours.
            if pending.count > 64 { pendingMarker = pending; flushPendingMarker() } else { pendingMarker = pending }
            return
        }
        let line = String(decoding: pending[..<newline], as: UTF8.self)
        let rest = Array(pending[(newline + 1)...])
        pendingMarker = nil
        let fields = line.dropFirst(ProcessGroupWrapper.marker.count).split(separator: " ", maxSplits: 1)
        if line.hasPrefix(ProcessGroupWrapper.marker), let first = fields.first, let group = Int32(first), group > 1 {
            processGroup = group
            let start = fields.count > 1 && fields[1].allSatisfy(\.isNumber) ? String(fields[1]) : nil
            onProcessGroup?(group, start)
            if !rest.isEmpty { rest.withUnsafeBytes { receive($0, isStderr: true) } }
        } else {
            pending.withUnsafeBytes { receive($0, isStderr: true) }
        }
    }
}

/// A piece of a command's output as it arrives, for live display.
public struct OutputChunk: Sendable {
    /// Which stream the bytes came from.
    public enum Stream: String, Sendable { case stdout, stderr }
    public var stream: Stream
    public var bytes: [UInt8]
}
