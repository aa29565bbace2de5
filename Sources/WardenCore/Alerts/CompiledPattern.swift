/// A label regex compiled for whole-value matching (Alertmanager's `^(?:re)$`),
/// refused when it is likely to backtrack exponentially.
///
/// A final class holding the Swift `Regex`, so that a `LabelMatcher` copies a
/// reference, and `@unchecked Sendable` because the regex is only read after
/// init: `Regex<AnyRegexOutput>` is not declared Sendable.
final class CompiledPattern: @unchecked Sendable {
    private let regex: Regex<AnyRegexOutput>

    init(_ pattern: String) throws(LabelMatcherError) {
        if Self.hasNestedQuantifier(pattern) { throw LabelMatcherError(.nestedQuantifier, at: 1) }
        do {
            // The group keeps an alternation whole under the anchors: `a|b` must be `^(?:a|b)$`, not `^a|b$`.
            regex = try Regex("^(?:" + pattern + ")$")
        } catch {
            throw LabelMatcherError(.badRegex(String("\(error)".prefix(200))), at: 1)
        }
    }

    func wholeMatches(_ value: String) -> Bool {
        (try? regex.wholeMatch(in: value)) != nil
    }

    /// Whether a group that is repeated (`*`, `+`, `{n,}`) holds a repetition itself.
    static func hasNestedQuantifier(_ pattern: String) -> Bool {
        let characters = Array(pattern)
        // For each open group: whether it holds a quantifier so far.
        var groups: [Bool] = []
        var index = 0
        var inClass = false
        while index < characters.count {
            let character = characters[index]
            if character == "\\" {
                index += 2
                continue
            }
            if inClass {
                if character == "]" { inClass = false }
                index += 1
                continue
            }
            switch character {
            case "[": inClass = true
            case "(": groups.append(false)
            case ")":
                let held = groups.popLast() ?? false
                let next: Character? = index + 1 < characters.count ? characters[index + 1] : nil
                let repeated = next == "*" || next == "+" || next == "{"
                if held && repeated { return true }
                // The outer group holds whatever this one held, and this one's own repetition.
                if !groups.isEmpty, held || repeated { groups[groups.count - 1] = true }
            case "*", "+", "{":
                if !groups.isEmpty { groups[groups.count - 1] = true }
            default: break
            }
            index += 1
        }
        return false
    }
}
