import Foundation

/// `parse: {regex: PATTERN}`: every match of a pattern with named groups, as
/// a list of maps from group name to the captured text (typed like other
/// output: numbers become numbers). A group that did not take part is null.
///
/// Bounded like `matches()` (`BoundedRegexSearch`): a search cut off for
/// time or backtracking is a parse error the step reports, never a shorter
/// list, which would read as output that had fewer lines of interest.
struct RegexOutputParser: OutputParsing {
    let name = "regex"
    private let pattern: String
    private let expression: NSRegularExpression
    private let groups: [String]

    init(pattern: String) throws(OutputParseError) {
        guard pattern.count <= ExpressionLimits.maximumPatternLength else {
            throw OutputParseError(.invalidPattern, parser: "regex", message: "the pattern is longer than \(ExpressionLimits.maximumPatternLength) characters")
        }
        self.pattern = pattern
        do {
            expression = try NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines])
        } catch {
            throw OutputParseError(.invalidPattern, parser: "regex", message: "invalid pattern: \(pattern)")
        }
        groups = Self.groupNames(in: pattern)
        guard !groups.isEmpty else {
            throw OutputParseError(.invalidPattern, parser: "regex", message: "the pattern has no named group; write (?<name>...) for each value to keep")
        }
    }

    func parse(_ output: String) throws(OutputParseError) -> Value {
        let text = output as NSString
        let matches: [NSTextCheckingResult]
        do {
            matches = try BoundedRegexSearch(regex: expression).matches(in: output, firstOnly: false)
        } catch {
            throw OutputParseError(.abandoned, parser: "regex", message: "abandoned matching \(ExpressionPrinter.literal(.string(pattern))): \(error.reason)")
        }
        return .list(matches.map { match in
            .map(Dictionary(uniqueKeysWithValues: groups.map { group in
                let range = match.range(withName: group)
                return (group, range.location == NSNotFound ? Value.null : ScalarText.value(text.substring(with: range)))
            }))
        })
    }

    /// The names of `(?<name>...)` groups, in order.
    private static func groupNames(in pattern: String) -> [String] {
        guard let finder = try? NSRegularExpression(pattern: #"\(\?<([A-Za-z][A-Za-z0-9]*)>"#) else { return [] }
        let text = pattern as NSString
        return finder.matches(in: pattern, range: NSRange(location: 0, length: text.length)).map {
            text.substring(with: $0.range(at: 1))
        }
    }
}
