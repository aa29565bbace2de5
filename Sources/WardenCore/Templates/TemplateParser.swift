/// Splits a template into literal text and `{{ }}` holes.
enum TemplateParser {
    static func parse(_ text: String, placedAt placement: SourcePlacement) throws(LocatedError) -> [TemplatePiece] {
        let scalars = Array(text.unicodeScalars)
        let source = ExpressionSource(text, placement: placement)
        var pieces: [TemplatePiece] = []
        var literal = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "{", index + 1 < scalars.count, scalars[index + 1] == "{" else {
                if scalars[index] == "}", index + 1 < scalars.count, scalars[index + 1] == "}" {
                    throw source.error("'}}' without an opening '{{'", at: index,
                                       hint: "write a literal '}}' as {{ raw \"}}\" }}")
                }
                literal.append(scalars[index])
                index += 1
                continue
            }
            let open = index
            let bodyStart = index + 2
            guard let close = closingBraces(in: scalars, from: bodyStart) else {
                throw source.error("'{{' is never closed with '}}'", at: open)
            }
            if !literal.isEmpty {
                pieces.append(.literal(String(literal)))
                literal = String.UnicodeScalarView()
            }
            pieces.append(try hole(scalars, from: bodyStart, to: close, source: source, open: open))
            index = close + 2
        }
        if !literal.isEmpty { pieces.append(.literal(String(literal))) }
        return pieces
    }

    /// The offset of the `}}` that closes a hole, skipping quoted strings
    /// (an expression may compare with "}}").
    private static func closingBraces(in scalars: [Unicode.Scalar], from start: Int) -> Int? {
        var index = start
        var quote: Unicode.Scalar?
        while index < scalars.count {
            let scalar = scalars[index]
            if let open = quote {
                if scalar == "\\" { index += 2; continue }
                if scalar == open { quote = nil }
            } else if scalar == "\"" || scalar == "'" {
                quote = scalar
            } else if scalar == "}", index + 1 < scalars.count, scalars[index + 1] == "}" {
                return index
            }
            index += 1
        }
        return nil
    }

    private static func hole(_ scalars: [Unicode.Scalar], from start: Int, to end: Int,
                             source: ExpressionSource, open: Int) throws(LocatedError) -> TemplatePiece {
        var first = start
        while first < end, scalars[first].properties.isWhitespace { first += 1 }
        guard first < end else { throw source.error("empty '{{ }}'", at: open, hint: "put an expression inside, e.g. {{ params.name }}") }
        var form = TemplateHoleForm.quoted
        for (keyword, keywordForm) in keywords {
            let length = keyword.count
            guard end - first > length, Array(scalars[first..<first + length]) == keyword,
                  scalars[first + length].properties.isWhitespace else { continue }
            form = keywordForm
            first += length + 1
            while first < end, scalars[first].properties.isWhitespace { first += 1 }
            guard first < end else {
                throw source.error("'{{ \(String(String.UnicodeScalarView(keyword))) }}' needs an expression", at: open,
                                   hint: "e.g. {{ \(String(String.UnicodeScalarView(keyword))) params.name }}")
            }
            break
        }
        var last = end
        while last > first, scalars[last - 1].properties.isWhitespace { last -= 1 }
        var body = String.UnicodeScalarView()
        body.append(contentsOf: scalars[first..<last])
        let expression = try Expression.parse(String(body), placedAt: source.placement(from: first))
        return .hole(expression, form: form)
    }

    /// The words that start a hole of another form than quoted, followed by whitespace.
    private static let keywords: [([Unicode.Scalar], TemplateHoleForm)] = [
        (Array("raw".unicodeScalars), .raw),
        (Array("secret_file".unicodeScalars), .secretFile),
    ]
}
