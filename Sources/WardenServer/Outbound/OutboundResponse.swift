import Foundation

/// An HTTP answer as `OutboundHTTPClient` read it: any status (a 500 is an answer, not an
/// error; redirects are not followed), the headers and the whole body.
public struct OutboundResponse: Sendable {
    public let status: Int
    /// In order, names as the server wrote them.
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of the header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The body as UTF-8 (invalid bytes replaced).
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The body's first 300 characters on one line, for a message about an unexpected answer.
    public var excerpt: String {
        let text = self.text.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\n", with: " ")
        if text.isEmpty { return "(no body)" }
        return text.count > 300 ? String(text.prefix(300)) + "…" : text
    }

    /// 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }
}
