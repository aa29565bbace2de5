/// A host's failure reason as a run shows it next to the host's name.
///
/// A transport error's message starts with its host (`h01 (127.0.0.1:22):
/// command timed out: ...`), right for `warden exec`'s list of hosts that
/// could not run a command, but doubled under a step that already names the
/// host (`h01: h01 (...)`), so a run drops it. A step's summary lists each
/// failed host with the reason's first clause only (`h01 (command timed
/// out)`): the whole message is on the host's own line, once.
enum HostReason {
    /// `reason` without a leading `HOST: ` or `HOST (ADDRESS): `.
    public static func trimmed(_ reason: String, host: String?) -> String {
        guard let host, reason.hasPrefix(host) else { return reason }
        var rest = reason.dropFirst(host.count)
        if rest.hasPrefix(" ("), let close = rest.firstIndex(of: ")") {
            rest = rest[rest.index(after: close)...]
        }
        guard rest.hasPrefix(": ") else { return reason }
        return String(rest.dropFirst(2))
    }

    /// The reason's first clause, up to its first `: `, `; ` or `. `.
    public static func short(_ reason: String, host: String?) -> String {
        let text = trimmed(reason, host: host)
        let ends = [": ", "; ", ". "].compactMap { text.range(of: $0)?.lowerBound }
        guard let end = ends.min() else { return text }
        return String(text[..<end])
    }
}
