import Foundation
@testable import WardenCore

/// Shared helpers for the expression tests: parse at rb.yaml:1:1, evaluate
/// against a small runbook-like environment, and render errors as text.
enum ExpressionFixtures {
    static let start = SourceLocation(file: "rb.yaml", line: 1, column: 1)

    /// 2024-03-05 18:30:00 UTC (Tuesday); 02:30 the next day in Shanghai.
    static let fixedDate = Date(timeIntervalSince1970: 1_709_663_400)

    static let variables: [String: Value] = [
        "result": .map([
            "meta_function_level": .string("steady"),
            "balance_operation_count": .map(["total": .int(0), "running": .int(2)]),
            "tables": .list([
                .map(["name": .string("users"), "healthy": .bool(true), "rows": .int(10)]),
                .map(["name": .string("orders"), "healthy": .bool(false), "rows": .int(32)]),
            ]),
            "empty": .map([:]),
            "nothing": .null,
            "ratio": .double(0.25),
        ]),
        "params": .map(["max_qps": .int(2500), "name": .string("meta")]),
        "steps": .map([
            "level": .map([
                "hosts": .map([
                    "meta-1": .map(["exit": .int(0), "stdout": .string("ok\n")]),
                    "meta-2": .map(["exit": .int(3), "stdout": .string("")]),
                ]),
            ]),
        ]),
        "vars": .map(["xs": .list([.int(1), .int(2), .int(3)])]),
        "elapsed": .duration(.seconds(12)),
    ]

    static func environment(
        _ variables: [String: Value] = variables, budget: Int = ExpressionLimits.defaultStepBudget
    ) -> ExpressionEnvironment {
        ExpressionEnvironment(variables: variables, now: { fixedDate }, stepBudget: budget)
    }

    static func evaluate(_ text: String, _ variables: [String: Value] = variables) throws -> Value {
        try WardenCore.Expression.parse(text, at: start).evaluate(in: environment(variables))
    }

    /// The error a text gives, parsing or evaluating, as the CLI prints it;
    /// "no error: <value>" when there is none.
    static func error(
        _ text: String, _ variables: [String: Value] = variables, at location: SourceLocation = start,
        budget: Int = ExpressionLimits.defaultStepBudget
    ) -> String {
        do {
            let expression = try WardenCore.Expression.parse(text, at: location)
            let value = try expression.evaluate(in: environment(variables, budget: budget))
            return "no error: \(value)"
        } catch {
            return error.description
        }
    }

    /// The canonical text of a parsed expression.
    static func printed(_ text: String) throws -> String {
        try WardenCore.Expression.parse(text, at: start).description
    }
}
