import Foundation

/// The JSON object a tool prints among other text. fdbcli and pegasus_shell
/// put warnings, banners and trailers before and after their documents, so
/// handing the whole output to a decoder would reject good output.
enum JSONObjectText {
    /// The first `{` and everything up to its matching `}`, decoded; nil when
    /// the text has no `{` at all. `firstLine` is the number of the text's
    /// first line in the command output, for error messages.
    static func firstObject(in text: String, parser: String, firstLine: Int = 1) throws(OutputParseError) -> Value? {
        let bytes = Array(text.utf8)
        guard let start = bytes.firstIndex(of: UInt8(ascii: "{")) else { return nil }
        let line = firstLine + bytes[..<start].reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        guard let end = matchingBrace(in: bytes, from: start) else {
            throw OutputParseError(.malformed, parser: parser, line: line, message: "the JSON document starting here is cut short: its closing '}' is missing")
        }
        do {
            return try JSONDecoder().decode(Value.self, from: Data(bytes[start...end]))
        } catch {
            throw OutputParseError(.malformed, parser: parser, line: line, message: "not valid JSON from here on: \(reason(error))")
        }
    }

    /// Where the object opened at `start` closes, skipping braces inside strings.
    private static func matchingBrace(in bytes: [UInt8], from start: Int) -> Int? {
        var depth = 0
        var inString = false
        var escaped = false
        for index in start..<bytes.count {
            let byte = bytes[index]
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { return index }
            default: break
            }
        }
        return nil
    }

    private static func reason(_ error: any Error) -> String {
        if case let DecodingError.dataCorrupted(context) = error {
            return (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String ?? context.debugDescription
        }
        return "\(error)"
    }
}
