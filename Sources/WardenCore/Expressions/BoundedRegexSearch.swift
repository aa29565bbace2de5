import Foundation

/// A regular expression search whose answer is either the engine's complete
/// answer or an error, never a guess: `matches()` and the `regex` output
/// parser both search through it.
///
/// NSRegularExpression (ICU) can stop without finishing and still report a
/// plain "no match": it gives up on a start position after a fixed amount of
/// backtracking there (about half a second of it on a small VM; no error, no
/// flag), and it ends a search that overflows its backtracking stack with
/// only a flag most callers never look at. `^(a+)+$` against thirty a's and
/// a "b" comes back "no match" that way, and so does `^(?:(a+)+x|a*b)`
/// against text it matches, so a check like `not matches(stdout, ...)`
/// would pass by mistake. So the search is abandoned, as an error:
/// - when it has run longer than `ExpressionLimits.maximumMatchSeconds`;
/// - when the engine reports an internal error (its stack limit);
/// - when it has backtracked at one start position for
///   `ExpressionLimits.maximumBacktrackingSeconds`, well before the engine
///   would give up there on its own.
///
/// The engine reports progress once per start position it tries and once
/// per 10,000 backtracking steps at one position; the reports carry nothing
/// else. Positions are tried in well under a microsecond each, while 10,000
/// steps take tens of microseconds or more, so an unbroken run of slow
/// reports is the engine backtracking at one place. (A pattern that scans
/// far from every start, like `a.*b.*c` over one very long line, looks the
/// same and is cut off the same way: an error, never a wrong answer.)
struct BoundedRegexSearch {
    /// Why a search was abandoned.
    enum Abandoned: Error, Sendable, Hashable {
        /// It ran past `ExpressionLimits.maximumMatchSeconds`.
        case tookTooLong
        /// It backtracked at one place past `ExpressionLimits.maximumBacktrackingSeconds`.
        case backtrackedTooLong
        /// The engine stopped on an error of its own (its backtracking stack is full).
        case engineGaveUp

        /// Why, to end a sentence saying the match was abandoned.
        var reason: String {
            switch self {
            case .tookTooLong:
                "it took longer than \(ExpressionLimits.maximumMatchSeconds) seconds"
            case .backtrackedTooLong:
                "it backtracked at one place in the text for more than \(ExpressionLimits.maximumBacktrackingSeconds) seconds, "
                    + "and past that the engine may answer \"no match\" without having finished"
            case .engineGaveUp:
                "the regular expression engine gave up (its backtracking stack is full)"
            }
        }
    }

    let regex: NSRegularExpression

    /// A progress report this long after the one before is a backtracking report (see above).
    private static let slowReportNanoseconds: UInt64 = 2_000
    /// Fewer slow reports in a row are not taken for backtracking, however
    /// long they span: a thread descheduled once or twice is not a runaway search.
    private static let slowReportsAtLeast = 16

    /// The matches in `text`, in order; only the first when `firstOnly`.
    func matches(in text: String, firstOnly: Bool) throws(Abandoned) -> [NSTextCheckingResult] {
        let start = DispatchTime.now().uptimeNanoseconds
        let deadline = start + UInt64(ExpressionLimits.maximumMatchSeconds * 1e9)
        let stretchLimit = UInt64(ExpressionLimits.maximumBacktrackingSeconds * 1e9)
        var found: [NSTextCheckingResult] = []
        var abandoned: Abandoned?
        var previous = start
        var slowInARow = 0
        var slowSince = start
        let range = NSRange(text.startIndex..<text.endIndex, in: text)
        regex.enumerateMatches(in: text, options: [.reportProgress, .reportCompletion], range: range) { match, flags, stop in
            let now = DispatchTime.now().uptimeNanoseconds
            defer { previous = now }
            if let match {
                found.append(match)
                slowInARow = 0
                if firstOnly { stop.pointee = true }
                return
            }
            if flags.contains(.completed) {
                if flags.contains(.internalError) { abandoned = .engineGaveUp }
                return
            }
            if now > deadline {
                abandoned = .tookTooLong
                stop.pointee = true
                return
            }
            guard now - previous >= Self.slowReportNanoseconds else {
                slowInARow = 0
                return
            }
            if slowInARow == 0 { slowSince = previous }
            slowInARow += 1
            if slowInARow >= Self.slowReportsAtLeast, now - slowSince >= stretchLimit {
                abandoned = .backtrackedTooLong
                stop.pointee = true
            }
        }
        if let abandoned { throw abandoned }
        return found
    }
}
