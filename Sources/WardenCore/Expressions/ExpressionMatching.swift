import Foundation

/// `matches(subject, pattern)`: a regular expression search (anywhere in
/// the subject, like grep; anchor with ^ and $), bounded in pattern length,
/// subject size, time and backtracking. A search that is cut off is an
/// error, never false: `not matches(...)` must not pass on a search the
/// engine gave up (see `BoundedRegexSearch`).
enum ExpressionMatching {
    static func matches(
        _ subject: Value, _ pattern: Value, source: ExpressionSource, arguments: [ExpressionNode]
    ) throws(LocatedError) -> Value {
        guard case let .string(text) = subject else {
            throw source.error(
                "matches() needs a string to search, got \(ExpressionEvaluator.article(subject.typeName))",
                at: arguments[0].offset)
        }
        guard case let .string(expression) = pattern else {
            throw source.error(
                "matches() needs a pattern string, got \(ExpressionEvaluator.article(pattern.typeName))",
                at: arguments[1].offset)
        }
        guard expression.count <= ExpressionLimits.maximumPatternLength else {
            throw source.error(
                "pattern is too long: \(expression.count) characters, at most \(ExpressionLimits.maximumPatternLength)",
                at: arguments[1].offset)
        }
        guard text.utf8.count <= ExpressionLimits.maximumSubjectBytes else {
            throw source.error(
                "matches() subject is too large: \(text.utf8.count) bytes, at most \(ExpressionLimits.maximumSubjectBytes)",
                at: arguments[0].offset)
        }
        let regex: NSRegularExpression
        do {
            regex = try NSRegularExpression(pattern: expression)
        } catch {
            throw source.error("invalid regular expression \(ExpressionPrinter.literal(pattern))", at: arguments[1].offset)
        }
        do {
            return .bool(!(try BoundedRegexSearch(regex: regex).matches(in: text, firstOnly: true)).isEmpty)
        } catch {
            throw source.error(
                "matches() abandoned matching \(ExpressionPrinter.literal(pattern)): \(error.reason)", at: arguments[1].offset,
                hint: "simplify the pattern; nested repetition like (a+)+ can take exponential time")
        }
    }
}
