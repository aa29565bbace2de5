/// Accumulates one stream within a cap, keeping the head and a rolling tail.
///
/// A runaway command must not eat the controller's memory, but the end of
/// its output (where the error usually is) must not be lost either.
struct OutputCapture {
    private let limit: OutputLimit
    private var head: [UInt8] = []
    private var ring: [UInt8] = []
    private var ringStart = 0
    private var total = 0

    /// Nothing is reserved: most commands print a line or nothing, and reserving 64 KiB for
    /// each stream cost 128 KiB of the controller's heap per host in flight, printing or not.
    init(limit: OutputLimit) {
        self.limit = limit
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        var rest = bytes[...]
        total += bytes.count
        let headRoom = limit.head - head.count
        if headRoom > 0 {
            let taken = rest.prefix(headRoom)
            head.append(contentsOf: taken)
            rest = rest.dropFirst(taken.count)
        }
        guard !rest.isEmpty, limit.tail > 0 else { return }
        if rest.count >= limit.tail {
            ring = Array(rest.suffix(limit.tail))
            ringStart = 0
            return
        }
        if ring.count < limit.tail {
            let room = limit.tail - ring.count
            ring.append(contentsOf: rest.prefix(room))
            rest = rest.dropFirst(min(room, rest.count))
        }
        // The ring is full: overwrite its oldest bytes, in at most two slices.
        while !rest.isEmpty {
            let n = min(rest.count, limit.tail - ringStart)
            ring.replaceSubrange(ringStart..<(ringStart + n), with: rest.prefix(n))
            rest = rest.dropFirst(n)
            ringStart = (ringStart + n) % limit.tail
        }
    }

    var captured: CapturedOutput {
        let tail = Array(ring[ringStart...] + ring[..<ringStart])
        let dropped = total - head.count - tail.count
        // Nothing lost: present the stream as one piece.
        if dropped == 0 { return CapturedOutput(head: head + tail) }
        return CapturedOutput(head: head, tail: tail, droppedBytes: dropped)
    }
}
