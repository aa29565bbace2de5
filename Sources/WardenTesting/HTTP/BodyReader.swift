import Foundation

/// The body of an answer, a piece at a time, however it is framed (chunked, a length, or until the connection closes).
final class BodyReader {
    private enum Framing {
        case none
        case chunked
        case length(Int)
        case untilClose
    }

    private let connection: LoopbackHTTPConnection
    private var framing: Framing

    init(_ connection: LoopbackHTTPConnection, fields: [String: String], method: String, status: Int) {
        self.connection = connection
        if method == "HEAD" || status == 204 || status == 304 || (100..<200).contains(status) {
            framing = .none
        } else if fields["transfer-encoding"]?.lowercased().contains("chunked") == true {
            framing = .chunked
        } else if let length = fields["content-length"].flatMap({ Int($0) }) {
            framing = .length(length)
        } else {
            framing = .untilClose
        }
    }

    /// The next piece of the body; nil at its end.
    func next() throws -> [UInt8]? {
        switch framing {
        case .none:
            return nil
        case let .length(remaining):
            guard remaining > 0 else { return nil }
            let piece = try connection.read(upTo: remaining)
            guard !piece.isEmpty else { throw WardenTestFailure("the connection closed \(remaining) bytes before the end of the body") }
            framing = .length(remaining - piece.count)
            return piece
        case .untilClose:
            let piece = try connection.read(upTo: 1 << 20)
            return piece.isEmpty ? nil : piece
        case .chunked:
            let sizeLine = try connection.readLine()
            guard let size = Int(sizeLine.split(separator: ";").first?.trimmingCharacters(in: .whitespaces) ?? "", radix: 16) else {
                throw WardenTestFailure("a malformed chunk size: '\(sizeLine)'")
            }
            if size == 0 {
                while try !connection.readLine().isEmpty {}  // trailers
                framing = .none
                return nil
            }
            let piece = try connection.readExactly(size)
            _ = try connection.readLine()
            return piece
        }
    }
}
