import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization
import WardenCore

/// A small HTTP/1.1 client for what `warden serve` sends out (Alertmanager's API, webhook
/// notifications): one request per connection (`Connection: close`), http or https, no
/// redirects followed (a redirect is an answer like any other: a silence or a notification
/// must not be replayed somewhere the config did not name), a deadline over the whole exchange
/// and a cap on the answer's body.
///
/// Not async-http-client: Warden sends a few small requests an hour, and NIO, NIOHTTP1 and
/// NIOSSL are already built for Hummingbird. HTTPS verifies the server's certificate and host
/// name against the system's trust roots, or only the CA file `caFile` names. The TLS context
/// (which reads those roots from disk) is made on the first https request, on NIO's thread
/// pool rather than the cooperative pool, and kept.
///
/// ```swift
/// let client = OutboundHTTPClient()
/// let response = try await client.send(OutboundRequest(method: "GET", url: "http://127.0.0.1:9093/-/ready"))
/// ```
public final class OutboundHTTPClient: Sendable {
    private let group: any EventLoopGroup
    private let caFile: String?
    private let tlsContext = Mutex<NIOSSLContext?>(nil)

    /// `group`: NIO's shared event loops unless given. `caFile`: a PEM file (or folder) of the
    /// only CAs trusted for https, instead of the system's.
    public init(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, caFile: String? = nil) {
        self.group = group
        self.caFile = caFile
    }

    /// Sends `request` and reads the whole answer, whatever its status. Throws when there is
    /// no answer to read (see `OutboundError.Kind`).
    public func send(_ request: OutboundRequest) async throws(OutboundError) -> OutboundResponse {
        let target = try OutboundTarget(url: request.url, method: request.method)
        let subject = "\(request.method) \(target.endpoint)"
        let head = try Self.head(request, target: target, subject: subject)
        guard !Task.isCancelled else { throw OutboundError(.cancelled, "\(subject): cancelled before it was sent") }
        let sslContext = target.isTLS ? try await tls(subject: subject) : nil

        let eventLoop = group.next()
        let deadline = NIODeadline.now() + .nanoseconds(Self.nanoseconds(request.deadline))
        let promise = eventLoop.makePromise(of: OutboundResponse.self)
        let (limit, host) = (request.responseBodyLimit, target.host)
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(max(deadline - NIODeadline.now(), .milliseconds(1)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        // A name goes in SNI and is checked against the certificate; an IP address may
                        // not be sent in SNI, so none is given and NIOSSL checks the peer's address
                        // against the certificate's IP SANs instead.
                        let isAddress = (try? SocketAddress(ipAddress: host, port: 0)) != nil
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: isAddress ? nil : host))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(OutboundResponseReader(promise: promise, limit: limit, subject: subject))
                }
            }

        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: target.host, port: target.port).get()
        } catch {
            promise.fail(error)
            throw Self.connectFailure(error, subject: subject, target: target, deadline: request.deadline)
        }

        let timeout = eventLoop.scheduleTask(deadline: deadline) {
            promise.fail(OutboundError(.timedOut, "\(subject): no complete answer within \(Self.seconds(request.deadline)); gave up"))
            channel.close(promise: nil)
        }
        promise.futureResult.whenComplete { _ in
            timeout.cancel()
            channel.close(promise: nil)
        }

        var body = channel.allocator.buffer(capacity: request.body.count)
        body.writeBytes(request.body)
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        if !request.body.isEmpty {
            channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil)
        }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil)).whenFailure { error in
            promise.fail(OutboundResponseReader.classify(error, subject: subject))
        }

        do {
            return try await withTaskCancellationHandler {
                try await promise.futureResult.get()
            } onCancel: {
                promise.fail(OutboundError(.cancelled, "\(subject): cancelled while waiting for the answer"))
            }
        } catch {
            throw OutboundResponseReader.classify(error, subject: subject)
        }
    }

    /// The request head: the caller's headers, then Host, Content-Length, Connection and a
    /// User-Agent of ours unless the caller gave one. A header with a line break is refused
    /// (naming the header, not its value).
    private static func head(_ request: OutboundRequest, target: OutboundTarget, subject: String) throws(OutboundError) -> HTTPRequestHead {
        let own: Set<String> = ["host", "content-length", "connection", "transfer-encoding"]
        var headers = HTTPHeaders()
        for (name, value) in request.headers where !own.contains(name.lowercased()) {
            guard !name.isEmpty, !name.contains(where: { $0.isNewline || $0 == ":" || $0 == " " }), !value.contains(where: \.isNewline) else {
                throw OutboundError(.invalidRequest, "\(subject): the header '\(name.filter { !$0.isNewline })' has a line break, a colon or a space where it may not; not sent")
            }
            headers.add(name: name, value: value)
        }
        headers.replaceOrAdd(name: "Host", value: target.hostHeader)
        if !headers.contains(name: "User-Agent") { headers.add(name: "User-Agent", value: "warden/\(WardenVersion.current)") }
        headers.replaceOrAdd(name: "Connection", value: "close")
        // With a body, and on an empty POST or PUT too: some servers refuse one without a length (411).
        if !request.body.isEmpty || !["GET", "HEAD", "DELETE"].contains(request.method.uppercased()) {
            headers.replaceOrAdd(name: "Content-Length", value: String(request.body.count))
        }
        return HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: request.method.uppercased()), uri: target.requestTarget, headers: headers)
    }

    /// The TLS context, made once (reading the trust roots on NIO's thread pool).
    private func tls(subject: String) async throws(OutboundError) -> NIOSSLContext {
        if let context = tlsContext.withLock({ $0 }) { return context }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .fullVerification
        configuration.trustRoots = caFile.map { .file($0) } ?? .default
        let (caFile, settings) = (self.caFile, configuration)
        do {
            let context = try await NIOThreadPool.singleton.runIfActive { try NIOSSLContext(configuration: settings) }
            tlsContext.withLock { $0 = context }
            return context
        } catch {
            let roots = caFile.map { "the CA file \($0)" } ?? "the system's trust roots"
            throw OutboundError(.tls, "\(subject): cannot set up TLS with \(roots): \(error); check that the file exists, is readable and holds PEM certificates")
        }
    }

    private static func connectFailure(_ error: any Error, subject: String, target: OutboundTarget, deadline: Duration) -> OutboundError {
        if error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError {
            return OutboundResponseReader.classify(error, subject: subject)
        }
        if case ChannelError.connectTimeout = error {
            return OutboundError(.cannotConnect, "\(subject): no connection to \(target.endpoint) within \(seconds(deadline)); is the host up and the port open to this machine?")
        }
        if let error = error as? NIOConnectionError, error.connectionErrors.isEmpty, let dns = error.dnsAError ?? error.dnsAAAAError {
            return OutboundError(.cannotConnect, "\(subject): cannot resolve \(target.host) (\(dns)); check the host name in the configuration")
        }
        return OutboundError(.cannotConnect, "\(subject): cannot connect to \(target.endpoint): \(describe(error)); is it running and listening there?")
    }

    /// An error from NIO in a few words: a socket error's strerror text ("Connection refused").
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as IOError:
            return String(cString: strerror(error.errnoCode)).lowercased()
        case let error as NIOConnectionError:
            if let first = error.connectionErrors.first { return describe(first.error) }
            return "\(error)"
        default:
            return "\(error)"
        }
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// `10 s`, `0.5 s`: how messages write a deadline.
    static func seconds(_ duration: Duration) -> String {
        let value = Double(nanoseconds(duration)) / 1e9
        return value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}
