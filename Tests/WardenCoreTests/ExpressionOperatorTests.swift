import Testing
@testable import WardenCore

/// The strict operators: equality across types, ordering, logic, `in`,
/// arithmetic with overflow and division by zero, durations.
@Suite struct ExpressionOperatorTests {
    private func value(_ text: String) throws -> Value { try ExpressionFixtures.evaluate(text) }
    private func error(_ text: String) -> String { ExpressionFixtures.error(text) }

    private static let orderingHint = "only two numbers, two strings or two durations can be ordered; convert with int(), float() or str()"

    @Test(arguments: [
        ("\"1\" == 1", false), ("1 == 1.0", true), ("1.5 == 1", false), ("[1, 2] == [1.0, 2]", true),
        ("null == null", true), ("null != 0", true), ("30s == 30000ms", true), ("\"a\" != \"b\"", true),
        ("true == 1", false), ("params == params", true), ("[1] == [1, 2]", false), ("elapsed == 12s", true),
        ("9007199254740993 == 9007199254740992.0", false),
    ])
    func equality(text: String, expected: Bool) throws {
        #expect(try value(text) == .bool(expected))
    }

    @Test(arguments: [
        ("1 < 1.5", true), ("2 <= 2", true), ("2.5 > 2", true), ("3 >= 4", false), ("\"abc\" < \"abd\"", true),
        ("500ms < 1s", true), ("elapsed < 30s", true), ("elapsed >= 1m", false), ("-1 < 0", true),
    ])
    func ordering(text: String, expected: Bool) throws {
        #expect(try value(text) == .bool(expected))
    }

    @Test func orderingIsStrict() {
        #expect(error("1 < \"2\"") == "rb.yaml:1:3: error: cannot compare int with string using '<'; \(Self.orderingHint)")
        #expect(error("true >= false") == "rb.yaml:1:6: error: cannot compare bool with bool using '>='; \(Self.orderingHint)")
        #expect(error("null > 1") == "rb.yaml:1:6: error: cannot compare null with int using '>'; \(Self.orderingHint)")
        #expect(error("1s <= 1") == "rb.yaml:1:4: error: cannot compare duration with int using '<='; \(Self.orderingHint)")
    }

    @Test func logic() throws {
        #expect(error("1 and true") == "rb.yaml:1:3: error: 'and' needs bools, got an int on the left")
        #expect(error("true and \"x\"") == "rb.yaml:1:6: error: 'and' needs bools, got a string on the right")
        #expect(error("false or null") == "rb.yaml:1:7: error: 'or' needs bools, got null on the right")
        #expect(error("not 1") == "rb.yaml:1:1: error: 'not' needs a bool, got int")
        // Short-circuit: the right side is never evaluated.
        #expect(try value("false and result.missing") == .bool(false))
        #expect(try value("true or 1 / 0") == .bool(true))
        #expect(try value("true and false") == .bool(false))
        #expect(try value("false or true") == .bool(true))
    }

    @Test(arguments: [
        ("2 in [1, 2]", true), ("2.0 in vars.xs", true), ("\"2\" in vars.xs", false), ("\"meta-1\" in steps.level.hosts", true),
        ("\"ea\" in \"steady\"", true), ("\"x\" not in \"steady\"", true), ("\"\" in \"x\"", true), ("3 not in [1, 2]", true),
        ("[1] in [[1], 2]", true), ("\"meta-9\" in steps.level.hosts", false),
    ])
    func membership(text: String, expected: Bool) throws {
        #expect(try value(text) == .bool(expected))
    }

    @Test func membershipErrors() {
        #expect(error("1 in \"abc\"") == "rb.yaml:1:3: error: 'in' on a string looks for a substring, got an int")
        #expect(error("1 not in 2") == "rb.yaml:1:3: error: 'not in' needs a list, map or string on the right, got an int")
        #expect(error("1 in params") == "rb.yaml:1:3: error: map keys are strings; 'in' got an int")
    }

    @Test(arguments: [
        ("7 / 2", Value.double(3.5)), ("6 / 3", .int(2)), ("-6 / 3", .int(-2)), ("7 % 3", .int(1)), ("-7 % 3", .int(-1)),
        ("0.5 + 1", .double(1.5)), ("1 - 0.25", .double(0.75)), ("2 * 0.5", .double(1.0)), ("7.5 % 2", .double(1.5)),
        ("\"a\" + \"b\"", .string("ab")), ("[1] + [2, 3]", .list([.int(1), .int(2), .int(3)])),
        ("-result.ratio", .double(-0.25)), ("9223372036854775807 - 1", .int(9_223_372_036_854_775_806)),
    ])
    func arithmetic(text: String, expected: Value) throws {
        #expect(try value(text) == expected)
    }

    @Test func arithmeticErrors() {
        #expect(error("1 / 0") == "rb.yaml:1:3: error: division by zero")
        #expect(error("1 % 0") == "rb.yaml:1:3: error: division by zero")
        #expect(error("1.5 / 0") == "rb.yaml:1:5: error: division by zero")
        #expect(error("1.5 % 0.0") == "rb.yaml:1:5: error: division by zero")
        #expect(error("9223372036854775807 + 1") == "rb.yaml:1:21: error: the result of '+' is too large (overflow)")
        #expect(error("-9223372036854775807 - 2") == "rb.yaml:1:22: error: the result of '-' is too large (overflow)")
        #expect(error("4611686018427387904 * 2") == "rb.yaml:1:21: error: the result of '*' is too large (overflow)")
        #expect(error("-(-9223372036854775807 - 1)") == "rb.yaml:1:1: error: the result of '-' is too large (overflow)")
        #expect(error("(-9223372036854775807 - 1) / -1") == "rb.yaml:1:28: error: the result of '/' is too large (overflow)")
        #expect(error("float(\"1e308\") * 10") == "rb.yaml:1:16: error: the result of '*' is not a finite number")
        #expect(error("\"a\" + 1") == "rb.yaml:1:5: error: cannot apply '+' to string and int")
        #expect(error("[1] - [1]") == "rb.yaml:1:5: error: cannot apply '-' to list and list")
        #expect(error("null + 1") == "rb.yaml:1:6: error: cannot apply '+' to null and int")
        #expect(error("-\"a\"") == "rb.yaml:1:1: error: cannot negate string")
    }

    @Test func durations() throws {
        #expect(try value("1h30m + 500ms") == .duration(.milliseconds(5_400_500)))
        #expect(try value("elapsed * 2") == .duration(.seconds(24)))
        #expect(try value("2 * elapsed") == .duration(.seconds(24)))
        #expect(try value("elapsed * 0.5") == .duration(.seconds(6)))
        #expect(try value("elapsed / 4") == .duration(.seconds(3)))
        #expect(try value("elapsed / 0.5") == .duration(.seconds(24)))
        #expect(try value("1m / 30s") == .double(2))
        #expect(try value("elapsed - 1m") == .duration(.seconds(-48)))
        #expect(try value("-elapsed") == .duration(.seconds(-12)))
        #expect(try value("str(1h - 1ms)") == .string("59m59.999s"))
        #expect(error("elapsed / 0") == "rb.yaml:1:9: error: division by zero")
        #expect(error("elapsed / 0s") == "rb.yaml:1:9: error: division by zero")
        #expect(error("30s + 1") == "rb.yaml:1:5: error: cannot apply '+' to duration and int")
        #expect(error("30s * 30s") == "rb.yaml:1:5: error: cannot apply '*' to duration and duration")
        #expect(error("2 / 30s") == "rb.yaml:1:3: error: cannot apply '/' to int and duration")
        #expect(error("2562047h * 2") == "rb.yaml:1:10: error: the result of '*' is too large (overflow)")
        #expect(error("2562047h * 2.0") == "rb.yaml:1:10: error: the result of '*' is too large (overflow)")
    }
}
