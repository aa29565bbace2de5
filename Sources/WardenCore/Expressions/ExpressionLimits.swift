/// The bounds every expression lives within, so that a runbook can neither
/// crash Warden (stack overflow) nor make it hang or eat memory.
public enum ExpressionLimits {
    /// The longest expression text, in characters.
    static let maximumLength = 10_000
    /// The deepest nesting: parentheses, brackets, prefix operators and the
    /// height of the expression tree.
    static let maximumDepth = 64
    /// The most elements a list built during evaluation (projection, list
    /// concatenation) may have.
    static let maximumListCount = 100_000
    /// The longest string, in UTF-8 bytes, that concatenation may build.
    static let maximumStringBytes = 1_000_000
    /// The evaluation steps one evaluation may take unless the environment
    /// says otherwise.
    public static let defaultStepBudget = 1_000_000
    /// The longest regular expression `matches` accepts, in characters.
    static let maximumPatternLength = 1000
    /// The longest subject `matches` accepts, in UTF-8 bytes.
    static let maximumSubjectBytes = 1 << 20
    /// How long one regular expression search (`matches`, the `regex`
    /// parser) may run before it is abandoned.
    static let maximumMatchSeconds = 1.0
    /// How long a regular expression search may backtrack at one place in
    /// the text before it is abandoned: the engine gives up there on its own
    /// some time later and reports "no match" (see `BoundedRegexSearch`).
    static let maximumBacktrackingSeconds = 0.05
}
