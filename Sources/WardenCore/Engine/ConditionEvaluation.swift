/// Evaluates a condition (`when`, `expect`, `until`, guards, `abort_if`) and
/// insists on a bool: a condition that yields a number or text is a mistake
/// to report, never something to guess the truth of.
enum ConditionEvaluation {
    static func evaluate(_ expression: Expression, in environment: ExpressionEnvironment) -> Result<Bool, LocatedError> {
        do {
            let value = try expression.evaluate(in: environment)
            guard case let .bool(flag) = value else {
                return .failure(LocatedError(
                    "'\(expression.text)' must be true or false, got \(value.typeName) \(value)", at: expression.location))
            }
            return .success(flag)
        } catch {
            return .failure(error)
        }
    }
}
