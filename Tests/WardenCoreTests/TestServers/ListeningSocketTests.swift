import Foundation
import Testing
@testable import WardenTesting

/// How a test tells its own server from another test's on the same port: by the process that
/// holds the listening socket, read from /proc.
@Suite("Listening socket owner")
struct ListeningSocketTests {
    /// A socket of this process listening on a free loopback port, and the port.
    private func listen() throws -> (descriptor: Int32, port: Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        try #require(descriptor >= 0)
        var address = LoopbackHTTPConnection.address("127.0.0.1", 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(bound == 0 && Glibc.listen(descriptor, 1) == 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        try #require(named == 0)
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/net/tcp"), "reads /proc"))
    func theProcessHoldingTheListeningSocketIsFoundAndNoOtherIs() throws {
        let (descriptor, port) = try listen()
        #expect(ListeningSocket.isHeld(on: port, by: getpid()) == true)
        // Another process, here the one that started this test, does not hold it.
        #expect(ListeningSocket.isHeld(on: port, by: getppid()) == false)
        close(descriptor)
        #expect(ListeningSocket.isHeld(on: port, by: getpid()) == false, "closed: nobody listens there")
    }
}
