import Foundation

/// What an expression can see while it is evaluated: the top-level names
/// (`result`, `params`, `steps`, `vars`, `host`, `elapsed`...), the clock
/// behind `now()` and `hour()`, and how much work it may do.
public struct ExpressionEnvironment: Sendable {
    /// The values of the top-level names a path can start with.
    public var variables: [String: Value]
    /// The current time, injected so that tests (and plans) can fix it.
    public var now: @Sendable () -> Date
    /// The evaluation steps allowed before evaluation stops with an error.
    var stepBudget: Int

    public init(
        variables: [String: Value] = [:],
        now: @escaping @Sendable () -> Date = { Date() },
        stepBudget: Int = ExpressionLimits.defaultStepBudget
    ) {
        self.variables = variables
        self.now = now
        self.stepBudget = stepBudget
    }
}
