import Foundation

/// `parse: json`: the output as one JSON document. Text before the first
/// `{` or `[` (banners, warnings) is skipped, as tools like fdbcli print some.
struct JSONOutputParser: OutputParsing {
    let name = "json"

    func parse(_ output: String) throws(OutputParseError) -> Value {
        guard let start = output.firstIndex(where: { $0 == "{" || $0 == "[" }) else {
            throw OutputParseError(.unrecognized, parser: name, message: "no JSON object or array in the output")
        }
        let skippedLines = output[..<start].filter { $0 == "\n" }.count
        do {
            return try JSONDecoder().decode(Value.self, from: Data(output[start...].utf8))
        } catch {
            throw OutputParseError(.malformed, parser: name, line: skippedLines + 1, message: "not valid JSON from here on: \(Self.reason(error))")
        }
    }

    private static func reason(_ error: any Error) -> String {
        if case let DecodingError.dataCorrupted(context) = error {
            return (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String ?? context.debugDescription
        }
        return "\(error)"
    }
}
