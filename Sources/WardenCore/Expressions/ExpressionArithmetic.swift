/// The strict arithmetic and ordering of expressions: no coercions beyond
/// int-to-float, overflow and division by zero as errors, never traps.
///
/// Errors carry no location; the evaluator adds the operator's.
enum ExpressionArithmetic {
    // MARK: - Ordering

    /// `< <= > >=` on two numbers, two strings or two durations.
    static func order(_ op: ExpressionOperator, _ left: Value, _ right: Value) throws(LocatedError) -> Bool {
        switch (left, right) {
        case let (.int(a), .int(b)): return test(op, a, b)
        case let (.int(a), .double(b)): return test(op, Double(a), b)
        case let (.double(a), .int(b)): return test(op, a, Double(b))
        case let (.double(a), .double(b)): return test(op, a, b)
        case let (.string(a), .string(b)): return test(op, a, b)
        case let (.duration(a), .duration(b)): return test(op, a, b)
        default:
            throw LocatedError(
                "cannot compare \(left.typeName) with \(right.typeName) using '\(op.symbol)'",
                hint: "only two numbers, two strings or two durations can be ordered; convert with int(), float() or str()")
        }
    }

    private static func test<T: Comparable>(_ op: ExpressionOperator, _ a: T, _ b: T) -> Bool {
        switch op {
        case .less: return a < b
        case .lessOrEqual: return a <= b
        case .greater: return a > b
        default: return a >= b
        }
    }

    // MARK: - Arithmetic

    /// `+ - * / %` on two values.
    static func apply(_ op: ExpressionOperator, _ left: Value, _ right: Value) throws(LocatedError) -> Value {
        switch (op, left, right) {
        case let (_, .int(a), .int(b)): return try integer(op, a, b)
        case let (_, .int(a), .double(b)): return try float(op, Double(a), b)
        case let (_, .double(a), .int(b)): return try float(op, a, Double(b))
        case let (_, .double(a), .double(b)): return try float(op, a, b)
        case let (.add, .string(a), .string(b)):
            guard a.utf8.count + b.utf8.count <= ExpressionLimits.maximumStringBytes else {
                throw LocatedError("string would be longer than \(ExpressionLimits.maximumStringBytes) bytes")
            }
            return .string(a + b)
        case let (.add, .list(a), .list(b)):
            guard a.count + b.count <= ExpressionLimits.maximumListCount else {
                throw LocatedError("list would have more than \(ExpressionLimits.maximumListCount) elements")
            }
            return .list(a + b)
        case let (.add, .duration(a), .duration(b)), let (.subtract, .duration(a), .duration(b)):
            let (x, y) = (try nanoseconds(a), try nanoseconds(b))
            let (result, overflow) = op == .add ? x.addingReportingOverflow(y) : x.subtractingReportingOverflow(y)
            guard !overflow else { throw overflowError(op) }
            return .duration(.nanoseconds(result))
        case let (.multiply, .duration(d), .int(n)), let (.multiply, .int(n), .duration(d)):
            let (result, overflow) = try nanoseconds(d).multipliedReportingOverflow(by: Int64(n))
            guard !overflow else { throw overflowError(op) }
            return .duration(.nanoseconds(result))
        case let (.multiply, .duration(d), .double(x)), let (.multiply, .double(x), .duration(d)):
            return .duration(try scaled(Double(try nanoseconds(d)) * x, op))
        case let (.divide, .duration(d), .int(n)):
            guard n != 0 else { throw LocatedError("division by zero") }
            let (result, overflow) = try nanoseconds(d).dividedReportingOverflow(by: Int64(n))
            guard !overflow else { throw overflowError(op) }
            return .duration(.nanoseconds(result))
        case let (.divide, .duration(d), .double(x)):
            guard x != 0 else { throw LocatedError("division by zero") }
            return .duration(try scaled(Double(try nanoseconds(d)) / x, op))
        case let (.divide, .duration(a), .duration(b)):
            guard b != .zero else { throw LocatedError("division by zero") }
            return .double(Double(try nanoseconds(a)) / Double(try nanoseconds(b)))
        default:
            throw LocatedError("cannot apply '\(op.symbol)' to \(left.typeName) and \(right.typeName)")
        }
    }

    /// Unary minus on a number or a duration.
    static func negate(_ value: Value) throws(LocatedError) -> Value {
        switch value {
        case let .int(number):
            let (result, overflow) = 0.subtractingReportingOverflow(number)
            guard !overflow else { throw overflowError(.negate) }
            return .int(result)
        case let .double(number):
            return .double(-number)
        case let .duration(duration):
            let (result, overflow) = Int64(0).subtractingReportingOverflow(try nanoseconds(duration))
            guard !overflow else { throw overflowError(.negate) }
            return .duration(.nanoseconds(result))
        default:
            throw LocatedError("cannot negate \(value.typeName)")
        }
    }

    private static func integer(_ op: ExpressionOperator, _ a: Int, _ b: Int) throws(LocatedError) -> Value {
        let result: (partialValue: Int, overflow: Bool)
        switch op {
        case .add: result = a.addingReportingOverflow(b)
        case .subtract: result = a.subtractingReportingOverflow(b)
        case .multiply: result = a.multipliedReportingOverflow(by: b)
        case .divide:
            guard b != 0 else { throw LocatedError("division by zero") }
            let (remainder, overflow) = a.remainderReportingOverflow(dividingBy: b)
            if !overflow, remainder != 0 {
                return .double(Double(a) / Double(b))
            }
            result = a.dividedReportingOverflow(by: b)
        default:
            guard b != 0 else { throw LocatedError("division by zero") }
            result = a.remainderReportingOverflow(dividingBy: b)
        }
        guard !result.overflow else { throw overflowError(op) }
        return .int(result.partialValue)
    }

    private static func float(_ op: ExpressionOperator, _ a: Double, _ b: Double) throws(LocatedError) -> Value {
        let result: Double
        switch op {
        case .add: result = a + b
        case .subtract: result = a - b
        case .multiply: result = a * b
        case .divide:
            guard b != 0 else { throw LocatedError("division by zero") }
            result = a / b
        default:
            guard b != 0 else { throw LocatedError("division by zero") }
            result = a.truncatingRemainder(dividingBy: b)
        }
        guard result.isFinite else { throw LocatedError("the result of '\(op.symbol)' is not a finite number") }
        return .double(result)
    }

    /// A duration as whole nanoseconds, the unit durations are computed in.
    static func nanoseconds(_ duration: Duration) throws(LocatedError) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, overflow2) = whole.addingReportingOverflow(attoseconds / 1_000_000_000)
        guard !overflow, !overflow2 else { throw LocatedError("duration \(DurationText.format(duration)) is too large") }
        return total
    }

    private static func scaled(_ nanoseconds: Double, _ op: ExpressionOperator) throws(LocatedError) -> Duration {
        let rounded = nanoseconds.rounded()
        guard rounded.isFinite, let whole = Int64(exactly: rounded) else { throw overflowError(op) }
        return .nanoseconds(whole)
    }

    private static func overflowError(_ op: ExpressionOperator) -> LocatedError {
        LocatedError("the result of '\(op.symbol)' is too large (overflow)")
    }
}
