/// `parse: lines`: the non-empty lines, trailing whitespace trimmed. A line
/// that is a number (or a percentage, `18%`) is that number, as in the other
/// generic parsers, so `result[0] > 3` works on `wc -l`; others stay text.
struct LinesOutputParser: OutputParsing {
    let name = "lines"

    func parse(_ output: String) throws(OutputParseError) -> Value {
        .list(output.split(whereSeparator: \.isNewline).compactMap { line in
            let trimmed = String(line.reversed().drop(while: \.isWhitespace).reversed())
            return trimmed.isEmpty ? nil : ScalarText.measure(trimmed)
        })
    }
}
