/// Failed authentications per source address, to turn away an address that
/// keeps presenting bad tokens: after `limit` failures within `window` it is
/// refused for `lockout`, without its tokens being looked at.
///
/// What this is for: keeping a misconfigured client or a guessing script
/// from filling the logs and the CPU (each attempt hashes a token). It is
/// not what keeps tokens safe (256 random bits are, whatever the number
/// of guesses), and an attacker with many addresses is not slowed by it.
///
/// Memory is bounded: at most `capacity` addresses are tracked, and the one
/// that failed least recently is forgotten first, so a flood of addresses
/// costs a fixed amount of memory (and at worst frees an address early).
/// Time is read from an `EngineClock`'s monotonic `instant`, so setting the
/// wall clock neither lifts nor extends a lockout, and tests move a
/// `TestClock` instead of sleeping.
public actor FailedAttempts {
    /// Failures within `window` that lock an address out.
    nonisolated public let limit: Int
    nonisolated public let window: Duration
    /// How long a locked-out address is refused.
    nonisolated public let lockout: Duration
    /// The most addresses tracked at once.
    nonisolated public let capacity: Int
    private let clock: any EngineClock

    private struct Record {
        /// Failures within the window, oldest first; fewer than `limit`.
        var failures: [ContinuousClock.Instant] = []
        var lockedUntil: ContinuousClock.Instant?
        /// When the record was last changed, in `touches`: for forgetting the least recent first.
        var touched: UInt64 = 0
    }

    private var records: [String: Record] = [:]
    /// Addresses in the order they were touched; a pair whose count is no longer its
    /// record's is stale and skipped. Rebuilt when stale pairs outnumber live ones.
    private var order: [(address: String, touched: UInt64)] = []
    private var orderStart = 0
    private var touches: UInt64 = 0

    public init(limit: Int = 10, window: Duration = .seconds(60), lockout: Duration = .seconds(60), capacity: Int = 10_000,
                clock: any EngineClock = SystemClock()) {
        precondition(limit >= 1 && capacity >= 1, "FailedAttempts needs a limit and a capacity of at least 1")
        self.limit = limit
        self.window = window
        self.lockout = lockout
        self.capacity = capacity
        self.clock = clock
    }

    /// Whether `address` is refused now (it reached the limit less than `lockout` ago).
    public func isLockedOut(_ address: String) -> Bool {
        guard let until = records[address]?.lockedUntil else { return false }
        return clock.instant < until
    }

    /// Counts a failed authentication from `address`; the `limit`th within
    /// `window` locks it out. Failures while locked out are not counted
    /// (the server refuses those requests before authenticating them).
    public func recordFailure(_ address: String) {
        let now = clock.instant
        var record = records[address] ?? Record()
        if let until = record.lockedUntil {
            if now < until { return }
            record.lockedUntil = nil
        }
        record.failures.removeAll { now - $0 >= window }
        record.failures.append(now)
        if record.failures.count >= limit {
            record.lockedUntil = now + lockout
            record.failures = []
        }
        touches += 1
        record.touched = touches
        records[address] = record
        order.append((address, touches))
        forgetLeastRecent()
    }

    /// Forgets `address`'s failures (and a lockout): it authenticated.
    public func recordSuccess(_ address: String) {
        records[address] = nil
    }

    /// How many addresses are tracked now (at most `capacity`).
    public var trackedAddresses: Int { records.count }

    private func forgetLeastRecent() {
        while records.count > capacity, orderStart < order.count {
            let (address, touched) = order[orderStart]
            orderStart += 1
            if records[address]?.touched == touched { records[address] = nil }
        }
        // One address failing over and over leaves a stale pair per failure: rebuild
        // the order from the records once the pairs outnumber them well.
        if order.count - orderStart > 2 * records.count + 64 {
            order = records.map { ($0.key, $0.value.touched) }.sorted { $0.touched < $1.touched }
            orderStart = 0
        }
    }
}
