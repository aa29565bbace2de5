import Foundation

/// `matches(subject, pattern)`: a regular expression search (anywhere in
/// the subject, like grep; anchor with ^ and $), bounded in pattern length,
/// subject size and time.
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
        let deadline = Date().addingTimeInterval(ExpressionLimits.maximumMatchSeconds)
        var found = false
        var timedOut = false
        let range = NSRange(text.startIndex..<text.endIndex, in: text)
        regex.enumerateMatches(in: text, options: [.reportProgress], range: range) { match, _, stop in
            if match != nil {
                found = true
                stop.pointee = true
            } else if Date() > deadline {
                timedOut = true
                stop.pointee = true
            }
        }
        guard !timedOut else {
            throw source.error(
                "matches() took longer than \(ExpressionLimits.maximumMatchSeconds) seconds", at: arguments[1].offset,
                hint: "simplify the pattern; nested repetition like (a+)+ can take exponential time")
        }
        return .bool(found)
    }
}
