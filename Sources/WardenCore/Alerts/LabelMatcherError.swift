/// Why a label matcher does not parse; `position` is the 1-based character
/// position in the matcher text, for a loader to add to the YAML location.
public struct LabelMatcherError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Problem: Sendable, Hashable {
        case expectedName
        case expectedOperator
        case unterminatedValue
        case badEscape(Character)
        case trailingText
        case tooLong(limit: Int)
        /// The regular expression does not compile; the compiler's words.
        case badRegex(String)
        /// A quantified group that itself holds a quantifier (`(a+)+`): backtracking
        /// on it takes exponential time, and Warden matches with a backtracking engine.
        case nestedQuantifier
        case emptyList
    }

    public var problem: Problem
    public var position: Int

    public init(_ problem: Problem, at position: Int) {
        self.problem = problem
        self.position = position
    }

    public var description: String {
        let what = switch problem {
        case .expectedName: "expected a label name"
        case .expectedOperator: "expected one of = != =~ !~"
        case .unterminatedValue: "the quoted value is not closed"
        case let .badEscape(character): "unknown escape '\\\(character)' (use \\\\, \\\" or \\n)"
        case .trailingText: "unexpected text after the matcher"
        case let .tooLong(limit): "longer than \(limit) characters"
        case let .badRegex(reason): "not a regular expression: \(reason)"
        case .nestedQuantifier: "a repeated group holds a repetition itself (like (a+)+), which can take exponential time; rewrite it"
        case .emptyList: "no matchers"
        }
        return "matcher, character \(position): \(what)"
    }
}
