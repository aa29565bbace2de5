extension Duration {
    /// `1.5s`, `250ms`: short enough for error messages. (WardenCore's
    /// DurationText formats runbook durations; the SSH layer does not depend on it.)
    var shortText: String {
        let ms = Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
        if ms < 1000 { return "\(Int(ms.rounded()))ms" }
        let s = ms / 1000
        return s == s.rounded() ? "\(Int(s))s" : String(format: "%.1fs", s)
    }
}
