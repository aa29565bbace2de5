import NIOCore
import NIOHTTP1
import NIOSSL

/// The last handler of an outbound connection's pipeline: collects one HTTP answer into
/// `promise`, and fails it with an `OutboundError` when the body passes its limit, the
/// connection breaks or ends early, or TLS fails. Runs on the channel's event loop only.
final class OutboundResponseReader: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let promise: EventLoopPromise<OutboundResponse>
    private let limit: Int
    /// `METHOD host:port`, what every message starts with.
    private let subject: String
    private var head: HTTPResponseHead?
    private var body: [UInt8] = []

    init(promise: EventLoopPromise<OutboundResponse>, limit: Int, subject: String) {
        self.promise = promise
        self.limit = limit
        self.subject = subject
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            // 1xx answers (100 Continue) come before the real one.
            if (100..<200).contains(head.status.code), head.status != .switchingProtocols { return }
            self.head = head
        case .body(var buffer):
            guard body.count + buffer.readableBytes <= limit else {
                fail(context, OutboundError(.tooLarge, "\(subject): the answer's body is larger than \(limit) bytes; refused"))
                return
            }
            body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            guard let head else {
                fail(context, OutboundError(.badResponse, "\(subject): the answer ended without a status line"))
                return
            }
            let headers = head.headers.map { (name: $0.name, value: $0.value) }
            promise.succeed(OutboundResponse(status: Int(head.status.code), headers: headers, body: body))
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(context, Self.classify(error, subject: subject))
    }

    func channelInactive(context: ChannelHandlerContext) {
        let what = head == nil ? "closed the connection without answering" : "closed the connection before its answer ended"
        fail(context, OutboundError(.badResponse, "\(subject): the server \(what)"))
        context.fireChannelInactive()
    }

    /// A completed promise ignores later failures, so only the first cause is told.
    private func fail(_ context: ChannelHandlerContext, _ error: OutboundError) {
        promise.fail(error)
        context.close(promise: nil)
    }

    /// An error from the pipeline (TLS, the HTTP parser, the socket) as an `OutboundError`.
    /// Descriptions of these errors come from NIO and BoringSSL and hold no header values.
    static func classify(_ error: any Error, subject: String) -> OutboundError {
        switch error {
        case let error as OutboundError:
            return error
        case is NIOSSLError, is BoringSSLError, is NIOSSLExtraError:
            return OutboundError(.tls, "\(subject): TLS failed: \(error); check that the server's certificate is trusted (system roots, or the configured CA file) and names this host")
        case is HTTPParserError:
            return OutboundError(.badResponse, "\(subject): the answer is not valid HTTP/1.1 (\(error)); is this port serving HTTPS, or another protocol?")
        case let error as IOError:
            return OutboundError(.badResponse, "\(subject): the connection failed: \(OutboundHTTPClient.describe(error))")
        default:
            return OutboundError(.badResponse, "\(subject): the connection failed: \(error)")
        }
    }
}
