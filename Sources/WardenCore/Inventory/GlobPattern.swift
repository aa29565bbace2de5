/// A shell-style wildcard over host and group names: `*` any run of
/// characters, `?` one character, `[a-c]` / `[!a-c]` one character in / not
/// in a set. Only name characters may appear, so a typo is an error rather
/// than a glob that silently matches nothing.
struct GlobPattern: Hashable, Sendable {
    private enum Token: Hashable, Sendable {
        case literal(Unicode.Scalar)
        case anyOne
        case anyRun
        case set([ClosedRange<Unicode.Scalar>], negated: Bool)
    }

    private let tokens: [Token]

    static func isGlob(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0 == "*" || $0 == "?" || $0 == "[" }
    }

    static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
            || scalar == "." || scalar == "_" || scalar == "-")
    }

    /// Throws a `LocatedError` without a location whose message completes
    /// "pattern 'x' ...", e.g. "has an unclosed '['".
    init(_ text: String) throws(LocatedError) {
        let scalars = Array(text.unicodeScalars)
        var tokens: [Token] = []
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            switch scalar {
            case "*":
                // Runs of '*' mean the same as one and would only slow matching.
                if tokens.last != .anyRun { tokens.append(.anyRun) }
            case "?":
                tokens.append(.anyOne)
            case "[":
                tokens.append(try GlobPattern.set(scalars, from: &index))
            case _ where GlobPattern.isNameCharacter(scalar):
                tokens.append(.literal(scalar))
            default:
                throw LocatedError("contains invalid character '\(scalar)'")
            }
        }
        self.tokens = tokens
    }

    /// Reads a `[...]` set whose `[` is already consumed.
    private static func set(_ scalars: [Unicode.Scalar], from index: inout Int) throws(LocatedError) -> Token {
        var negated = false
        if index < scalars.count, scalars[index] == "!" || scalars[index] == "^" {
            negated = true
            index += 1
        }
        var ranges: [ClosedRange<Unicode.Scalar>] = []
        while index < scalars.count, scalars[index] != "]" {
            let low = scalars[index]
            guard isNameCharacter(low) else { throw LocatedError("contains invalid character '\(low)' in '[...]'") }
            index += 1
            if index + 1 < scalars.count, scalars[index] == "-", scalars[index + 1] != "]" {
                let high = scalars[index + 1]
                guard isNameCharacter(high) else { throw LocatedError("contains invalid character '\(high)' in '[...]'") }
                guard low <= high else { throw LocatedError("has a backwards range '\(low)-\(high)'") }
                ranges.append(low...high)
                index += 2
            } else {
                ranges.append(low...low)
            }
        }
        guard index < scalars.count else { throw LocatedError("has an unclosed '['") }
        index += 1 // the closing ']'
        guard !ranges.isEmpty else { throw LocatedError("has an empty '[]'") }
        return .set(ranges, negated: negated)
    }

    func matches(_ name: String) -> Bool {
        let scalars = Array(name.unicodeScalars)
        var tokenIndex = 0
        var scalarIndex = 0
        // The last '*' seen and where its run ended: on a mismatch, let
        // that '*' swallow one more character and retry from there.
        var backtrack: (token: Int, scalar: Int)?
        while scalarIndex < scalars.count {
            if tokenIndex < tokens.count {
                switch tokens[tokenIndex] {
                case .anyRun:
                    backtrack = (tokenIndex, scalarIndex)
                    tokenIndex += 1
                    continue
                case let token where GlobPattern.accepts(token, scalars[scalarIndex]):
                    tokenIndex += 1
                    scalarIndex += 1
                    continue
                default:
                    break
                }
            }
            guard let star = backtrack else { return false }
            backtrack = (star.token, star.scalar + 1)
            tokenIndex = star.token + 1
            scalarIndex = star.scalar + 1
        }
        return tokens[tokenIndex...].allSatisfy { $0 == .anyRun }
    }

    private static func accepts(_ token: Token, _ scalar: Unicode.Scalar) -> Bool {
        switch token {
        case let .literal(expected): return scalar == expected
        case .anyOne: return true
        case .anyRun: return true
        case let .set(ranges, negated): return ranges.contains { $0.contains(scalar) } != negated
        }
    }
}
