import Yams

/// Reads YAML text into Yams nodes and turns Yams' failures into
/// `LocatedError`s, so every loader in WardenCore (inventory now, runbooks
/// later) reports syntax errors the same way.
enum YAMLDocument {
    /// The single document in `text`, or nil when the text holds no document
    /// at all (empty, or only comments).
    static func compose(_ text: String, file: String) throws(LocatedError) -> Node? {
        do {
            // The encoding is explicit because Yams' default reads an
            // environment variable, and loading must not depend on that.
            // `.basic`: no regular expressions (ICU); YAMLNodeInspection types
            // plain scalars by the same rules when asked (YAMLPlainScalarType).
            let parser = try Parser(yaml: text, resolver: .basic, constructor: .default, encoding: .utf8)
            return try parser.singleRoot()
        } catch let error as YamlError {
            throw locatedError(from: error, text: text, file: file)
        } catch {
            throw LocatedError("cannot parse YAML: \(error)", at: SourceLocation(file: file, line: 1, column: 1))
        }
    }

    static func locatedError(from error: YamlError, text: String, file: String) -> LocatedError {
        func at(_ mark: Mark) -> SourceLocation {
            SourceLocation(file: file, line: max(mark.line, 1), column: max(mark.column, 1))
        }
        func explained(_ problem: String, _ context: YamlError.Context?) -> String {
            guard let context else { return "invalid YAML: \(problem)" }
            return "invalid YAML: \(problem) (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
        }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _):
            let hint = character(at: mark, in: text) == "\t" ? "YAML indents with spaces, not tabs" : nil
            // libyaml notices that a line is not `key: value` only where the next token
            // starts, often the line after; the simple key it was reading is the line to fix.
            if let context, context.text == "while scanning a simple key" {
                return LocatedError(explained(problem, context), at: at(context.mark), hint: hint)
            }
            return LocatedError(explained(problem, context), at: at(mark), hint: hint)
        case let .composer(context, problem, mark, _):
            // Yams words the "more than one document" case as a context plus
            // a fragment; say it plainly instead.
            if problem == "but found another document" {
                return LocatedError("the file must hold a single YAML document, but another one starts here", at: at(mark))
            }
            return LocatedError(explained(problem, context), at: at(mark))
        case let .reader(problem, offset, _, yaml):
            let location = offset.map { characterLocation(offset: $0, in: yaml, file: file) }
                ?? SourceLocation(file: file, line: 1, column: 1)
            return LocatedError("invalid YAML: \(problem)", at: location)
        case let .duplicatedKeysInMapping(duplicates, context):
            return duplicateKeyError(keys: duplicates, firstMark: context.mark, text: text, file: file)
        default:
            return LocatedError("invalid YAML: \(error)", at: SourceLocation(file: file, line: 1, column: 1))
        }
    }

    /// Yams refuses a mapping with a repeated key before we ever see nodes,
    /// and only tells where the first copy is. The repeat is the thing to
    /// fix, so look for it: in block style it sits at the same column further
    /// down, before the mapping's indentation ends.
    private static func duplicateKeyError(keys: [String], firstMark: Mark, text: String, file: String) -> LocatedError {
        let key = keys.sorted().first ?? "?"
        let first = SourceLocation(file: file, line: max(firstMark.line, 1), column: max(firstMark.column, 1))
        // Split on scalars: as Characters, "\r\n" is one and never equals "\n".
        let lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
        let column = first.column - 1
        var lineIndex = first.line // the line after the first copy (0-based index)
        while lineIndex < lines.count {
            let line = Array(lines[lineIndex])
            let indent = line.prefix { $0 == " " }.count
            let blankOrComment = line.dropFirst(indent).first.map { $0 == "#" || $0 == "\r" } ?? true
            if !blankOrComment {
                if indent < column { break }
                if indent == column, startsWithKey(key, line.dropFirst(indent)) {
                    return LocatedError(
                        "duplicate key '\(key)' (first defined at line \(first.line), column \(first.column))",
                        at: SourceLocation(file: file, line: lineIndex + 1, column: column + 1))
                }
            }
            lineIndex += 1
        }
        return LocatedError("key '\(key)' appears more than once in this mapping", at: first)
    }

    private static func startsWithKey(_ key: String, _ rest: ArraySlice<Unicode.Scalar>) -> Bool {
        let keyScalars = Array(key.unicodeScalars)
        guard rest.count > keyScalars.count, Array(rest.prefix(keyScalars.count)) == keyScalars else { return false }
        let after = rest.dropFirst(keyScalars.count).drop { $0 == " " || $0 == "\t" }
        return after.first == ":"
    }

    /// The character a mark points at, to recognize common causes of
    /// Yams' more cryptic messages.
    private static func character(at mark: Mark, in text: String) -> Unicode.Scalar? {
        let lines = text.unicodeScalars.split(separator: "\n", maxSplits: mark.line, omittingEmptySubsequences: false)
        guard mark.line >= 1, mark.line <= lines.count, mark.column >= 1 else { return nil }
        let scalars = lines[mark.line - 1]
        guard let index = scalars.index(scalars.startIndex, offsetBy: mark.column - 1, limitedBy: scalars.endIndex),
              index < scalars.endIndex else { return nil }
        return scalars[index]
    }

    /// Line and column of the `offset`-th character, for errors that Yams
    /// reports as an offset rather than a mark.
    static func characterLocation(offset: Int, in text: String, file: String) -> SourceLocation {
        var line = 1
        var column = 1
        var index = text.startIndex
        var remaining = offset
        while remaining > 0, index < text.endIndex {
            if text[index] == "\n" || text[index] == "\r\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
            index = text.index(after: index)
            remaining -= 1
        }
        return SourceLocation(file: file, line: line, column: column)
    }

    /// Where a node starts; Yams leaves the mark empty only for nodes built
    /// in code, which never reach a loader, so the fallback is the file start.
    static func location(of node: Node, file: String) -> SourceLocation {
        guard let mark = node.mark else { return SourceLocation(file: file, line: 1, column: 1) }
        return SourceLocation(file: file, line: max(mark.line, 1), column: max(mark.column, 1))
    }
}
