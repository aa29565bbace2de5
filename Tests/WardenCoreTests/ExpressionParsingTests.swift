import Testing
@testable import WardenCore

/// Grammar: precedence, associativity, the canonical printing, and the
/// exact text and place of syntax errors.
@Suite struct ExpressionParsingTests {
    private func value(_ text: String) throws -> Value { try ExpressionFixtures.evaluate(text) }
    private func error(_ text: String) -> String { ExpressionFixtures.error(text) }

    @Test(arguments: [
        ("1 + 2 * 3", Value.int(7)), ("(1 + 2) * 3", .int(9)), ("10 - 4 - 3", .int(3)), ("2 * 3 % 4", .int(2)),
        ("-2 * 3", .int(-6)), ("- 2 - -3", .int(1)), ("2 - 3 * -1", .int(5)), ("100 / 10 / 5", .int(2)),
        ("not false and false", .bool(false)), ("true or false and false", .bool(true)),
        ("(true or false) and false", .bool(false)), ("not 1 == 2", .bool(true)), ("not not true", .bool(true)),
        ("1 + 1 == 2 and 3 > 2", .bool(true)), ("(1 < 2) == true", .bool(true)),
    ])
    func precedenceAndAssociativity(text: String, expected: Value) throws {
        #expect(try value(text) == expected)
    }

    @Test(arguments: [
        ("1+2*3", "1 + 2 * 3"), ("(1 + 2) * 3", "(1 + 2) * 3"), ("a - (b - c)", "a - (b - c)"),
        ("(a - b) - c", "a - b - c"), ("not a == b", "not a == b"), ("(not a) == b", "(not a) == b"),
        ("a or b and c", "a or b and c"), ("(a or b) and c", "(a or b) and c"), ("-x.y", "-x.y"),
        ("(-x).y", "(-x).y"), ("-(1 + 2)", "-(1 + 2)"), ("x  in [1,2,'a']", "x in [1, 2, \"a\"]"),
        ("a not in b", "a not in b"), ("len( result.tables[*].name )", "len(result.tables[*].name)"),
        ("1h30m + 500ms", "1h30m + 500ms"), ("0.5*2", "0.5 * 2"), ("'it\\'s\\n'", "\"it's\\n\""),
        ("steps.l.hosts['m-1'].exit", "steps.l.hosts[\"m-1\"].exit"), ("(a == b) == c", "(a == b) == c"),
        ("g[*][0][*].x", "g[*][0][*].x"), ("(g[*].x)[0]", "(g[*].x)[0]"), ("[1, 2,]", "[1, 2]"),
        ("null != true", "null != true"),
        // A number or duration before `.field` is parenthesized: `30s.in` would be one (bad) duration.
        ("30s . in", "(30s).in"), ("(1h30m).result", "(1h30m).result"), ("1 .x", "(1).x"), ("x + 1.5 . y", "x + (1.5).y"),
        // Doubles never in exponent form, which the language lacks.
        ("0.00001", "0.00001"), ("[0.0000015]", "[0.0000015]"), ("100000000000000000000.0", "100000000000000000000.0"),
        ("92233720368547758070.0", "92233720368547760000.0"), ("-0.00001 * 2", "-0.00001 * 2"),
    ])
    func printsCanonically(text: String, expected: String) throws {
        let printed = try ExpressionFixtures.printed(text)
        #expect(printed == expected)
        #expect(try ExpressionFixtures.printed(printed) == printed)
    }

    @Test func aProjectionAppliesTheRestOfThePathToEachElement() throws {
        // (g[*].x)[0] indexes the projected list; g[*].x[0] would index each x.
        let grid: [String: Value] = ["g": .list([.map(["x": .list([.int(1), .int(2)])]), .map(["x": .list([.int(3)])])])]
        #expect(try ExpressionFixtures.evaluate("(g[*].x)[0]", grid) == .list([.int(1), .int(2)]))
        #expect(try ExpressionFixtures.evaluate("g[*].x[0]", grid) == .list([.int(1), .int(3)]))
        #expect(try ExpressionFixtures.evaluate("g[*].x[*]", grid) == .list([.list([.int(1), .int(2)]), .list([.int(3)])]))
    }

    @Test func literals() throws {
        #expect(try value("42") == .int(42))
        #expect(try value("0.5") == .double(0.5))
        #expect(try value("'a\\\\b\\\"c\\'d\\te\\n'") == .string("a\\b\"c'd\te\n"))
        #expect(try value("\"say 'hi'\"") == .string("say 'hi'"))
        #expect(try value("true") == .bool(true))
        #expect(try value("false") == .bool(false))
        #expect(try value("null") == .null)
        #expect(try value("500ms") == .duration(.milliseconds(500)))
        #expect(try value("1h30m") == .duration(.seconds(5400)))
        #expect(try value("1.5s") == .duration(.milliseconds(1500)))
        #expect(try value("[1, \"x\", [true], 2m]") == .list([.int(1), .string("x"), .list([.bool(true)]), .duration(.seconds(120))]))
        #expect(try value("[]") == .list([]))
    }

    @Test func comparisonsDoNotChain() {
        #expect(error("1 < 2 < 3") == "rb.yaml:1:7: error: comparisons cannot be chained: '<' follows '<'; combine them with 'and', like a < b and b < c")
        #expect(error("a == b != c") == "rb.yaml:1:8: error: comparisons cannot be chained: '!=' follows '=='; combine them with 'and', like a < b and b < c")
        #expect(error("1 < 2 == true") == "rb.yaml:1:7: error: comparisons cannot be chained: '==' follows '<'; combine them with 'and', like a < b and b < c")
        #expect(error("a in b not in c") == "rb.yaml:1:8: error: comparisons cannot be chained: 'not in' follows 'in'; combine them with 'and', like a < b and b < c")
    }

    @Test(arguments: [
        ("", "rb.yaml:1:1: error: unexpected end of expression; expected a value"),
        ("1 +", "rb.yaml:1:4: error: unexpected end of expression; expected a value"),
        ("(1 + 2", "rb.yaml:1:7: error: expected ')', got the end of the expression; to close the '(' at line 1, column 1"),
        ("[1, 2", "rb.yaml:1:6: error: expected ',' or ']', got the end of the expression; to close the '[' at line 1, column 1"),
        ("len(1 2)", "rb.yaml:1:7: error: expected ',' or ')', got '2'; to close the '(' at line 1, column 4"),
        ("a[1", "rb.yaml:1:4: error: expected ']', got the end of the expression; to close the '[' at line 1, column 2"),
        ("a = 1", "rb.yaml:1:3: error: '=' is not an operator; use '==' to compare"),
        ("a && b", "rb.yaml:1:3: error: '&&' is not an operator; use 'and'"),
        ("a || b", "rb.yaml:1:3: error: '||' is not an operator; use 'or'"),
        ("!a", "rb.yaml:1:1: error: '!' is not an operator; use 'not', or '!=' to compare"),
        ("'abc", "rb.yaml:1:1: error: unterminated string; close it with '"),
        ("x == \"abc\\", "rb.yaml:1:6: error: unterminated string; close it with \""),
        ("'a\\qb'", "rb.yaml:1:3: error: unknown escape '\\q' in string; the escapes are \\\\, \\\", \\', \\n and \\t"),
        ("1 2", "rb.yaml:1:3: error: unexpected '2' after a complete expression"),
        ("a b", "rb.yaml:1:3: error: unexpected 'b' after a complete expression"),
        ("x.len(1)", "rb.yaml:1:6: error: only functions can be called; functions are called by name, like len(x)"),
        ("x.", "rb.yaml:1:3: error: expected a field name after '.', got the end of the expression"),
        ("x.1", "rb.yaml:1:3: error: expected a field name after '.', got '1'"),
        ("and", "rb.yaml:1:1: error: expected a value, got 'and'"),
        ("1 + )", "rb.yaml:1:5: error: expected a value, got ')'"),
        ("#", "rb.yaml:1:1: error: unexpected character '#'"),
        ("a\u{1}", "rb.yaml:1:2: error: unexpected character '\\u{01}'"),
        ("99999999999999999999", "rb.yaml:1:1: error: integer 99999999999999999999 is too large; integers go up to 9223372036854775807"),
        ("1 + 5x", "rb.yaml:1:5: error: duration '5x' has unknown unit 'x'; use ms, s, m or h"),
        ("30m1h", "rb.yaml:1:1: error: duration '30m1h' repeats or reorders units; write them largest first, each once (h, m, s, ms)"),
        ("lenn(x)", "rb.yaml:1:1: error: unknown function 'lenn'; did you mean 'len'?"),
        ("foo(x)", "rb.yaml:1:1: error: unknown function 'foo'; the functions are len, count, sum, min, max, any, all, matches, now, hour, select, int, float, str"),
        ("len(1, 2)", "rb.yaml:1:1: error: len() takes 1 argument, got 2"),
        ("now(1)", "rb.yaml:1:1: error: now() takes 0 arguments, got 1"),
        ("min()", "rb.yaml:1:1: error: min() takes at least 1 argument, got 0"),
        ("x + count()", "rb.yaml:1:5: error: count() takes 1 or 2 arguments, got 0"),
        ("matches('a')", "rb.yaml:1:1: error: matches() takes 2 arguments, got 1"),
    ])
    func syntaxErrors(text: String, expected: String) {
        #expect(error(text) == expected)
    }

    @Test func referencedRoots() throws {
        let expression = try Expression.parse(
            "params.a + steps.b.c['d'] + len(vars.x[*].y) + now() > 0 or elapsed < 1s", at: ExpressionFixtures.start)
        #expect(expression.referencedRoots == ["params", "steps", "vars", "elapsed"])
        #expect(try Expression.parse("1 + len([true])", at: ExpressionFixtures.start).referencedRoots.isEmpty)
    }

    @Test func expressionsAreEqualByTextAndPlace() throws {
        let a = try Expression.parse("1 + 1", at: ExpressionFixtures.start)
        let b = try Expression.parse("1 + 1", at: ExpressionFixtures.start)
        let c = try Expression.parse("1 + 1", at: SourceLocation(file: "rb.yaml", line: 2, column: 1))
        #expect(a == b)
        #expect(a != c)
        #expect(Set([a, b, c]).count == 2)
    }
}
