/// How many of a watch's recent samples must breach before it fires
/// (`for: "3 of 5"`, `for: "3 consecutive"`): one bad sample of a noisy
/// metric should not abort a maintenance, a sustained one must.
public struct SampleRule: Sendable, Hashable {
    /// Breaching samples needed...
    let breaches: Int
    /// ...among the last this many.
    public let of: Int

    public init(breaches: Int, of: Int) {
        self.breaches = breaches
        self.of = of
    }

    /// One sample is enough: the default.
    public static let each = SampleRule(breaches: 1, of: 1)

    /// `N of M` or `N consecutive`; nil when the text is neither or N > M.
    public static func parse(_ text: String) -> SampleRule? {
        let words = text.split(separator: " ").map(String.init)
        if words.count == 3, words[1] == "of", let n = Int(words[0]), let m = Int(words[2]), n >= 1, m >= n, m <= 1000 {
            return SampleRule(breaches: n, of: m)
        }
        if words.count == 2, words[1] == "consecutive", let n = Int(words[0]), n >= 1, n <= 1000 {
            return SampleRule(breaches: n, of: n)
        }
        return nil
    }

    public var description: String {
        breaches == of ? "\(breaches) consecutive" : "\(breaches) of \(of)"
    }
}

/// A flapping rule (`decreased: {value: EXPR, times: K, within: 10m}`): the
/// watch fires when a number, read from each sample per host, went down K
/// times within the duration (fault tolerance dropping again and again).
public struct DecreaseRule: Sendable {
    public let value: Expression
    public let times: Int
    public let within: Duration
}
