import Foundation

/// One request for `OutboundHTTPClient`: what to send and how long and how much to wait for.
///
/// `Host`, `Content-Length` and `Connection: close` are set by the client; a header of the
/// same name here is replaced. Header values are sent as given and never appear in an
/// `OutboundError`.
public struct OutboundRequest: Sendable {
    public var method: String
    /// `http://` or `https://`, with an optional port, path and query; no user info.
    public var url: String
    /// In order; a name may repeat.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// From the start of the connect to the last byte of the answer.
    public var deadline: Duration
    /// The most body bytes accepted; a longer answer fails as `tooLarge`.
    public var responseBodyLimit: Int

    public init(method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
                deadline: Duration = .seconds(10), responseBodyLimit: Int = 1 << 20) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.deadline = deadline
        self.responseBodyLimit = responseBodyLimit
    }

    /// A JSON request: `body` encoded (sorted keys, so a body is the same every time), with
    /// `Content-Type: application/json` before `headers`.
    public static func json(_ method: String, url: String, body: some Encodable, headers: [(name: String, value: String)] = [],
                            deadline: Duration = .seconds(10)) throws(OutboundError) -> OutboundRequest {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do {
            data = try encoder.encode(body)
        } catch {
            // Only a value the encoder cannot write (a NaN) gets here.
            throw OutboundError(.invalidRequest, "\(method): the request body could not be encoded as JSON: \(error)")
        }
        return OutboundRequest(method: method, url: url,
                               headers: [("Content-Type", "application/json")] + headers,
                               body: Array(data), deadline: deadline)
    }
}
