import Foundation
import Testing
@testable import WardenSSH

@Suite("Output capture keeps head and tail within the cap")
struct OutputCaptureTests {
    private func capture(_ chunks: [[UInt8]], head: Int, tail: Int) -> CapturedOutput {
        var capture = OutputCapture(limit: OutputLimit(head: head, tail: tail))
        for chunk in chunks { chunk.withUnsafeBytes { capture.append($0) } }
        return capture.captured
    }

    @Test func smallOutputIsKeptWhole() {
        let out = capture([Array("hello ".utf8), Array("world".utf8)], head: 4, tail: 8)
        #expect(out.completeBytes == Array("hello world".utf8))
        #expect(out.droppedBytes == 0)
        #expect(out.text == "hello world")
    }

    @Test func largeOutputKeepsHeadAndTailAndCountsTheRest() {
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0) }
        // Odd chunk sizes cross the head boundary and wrap the tail ring several times.
        let chunks = stride(from: 0, to: bytes.count, by: 333).map { Array(bytes[$0..<min($0 + 333, bytes.count)]) }
        let out = capture(chunks, head: 1000, tail: 700)
        #expect(out.head == Array(bytes[0..<1000]))
        #expect(out.tail == Array(bytes[(10_000 - 700)...]))
        #expect(out.droppedBytes == 10_000 - 1700)
        #expect(out.totalBytes == 10_000)
        #expect(out.completeBytes == nil)
        #expect(out.text.contains("[… 8300 bytes dropped …]"))
    }

    @Test func oneHugeChunkLandsInTheTail() {
        let bytes = Array(repeating: UInt8(ascii: "a"), count: 5000) + Array("END".utf8)
        let out = capture([bytes], head: 10, tail: 5)
        #expect(out.head.count == 10)
        #expect(String(decoding: out.tail, as: UTF8.self) == "aaEND")
        #expect(out.droppedBytes == 5003 - 15)
    }

    @Test func zeroTailKeepsOnlyTheHead() {
        let out = capture([Array(repeating: 1, count: 100)], head: 10, tail: 0)
        #expect(out.head.count == 10)
        #expect(out.tail.isEmpty)
        #expect(out.droppedBytes == 90)
    }
}

@Suite("Shell quoting")
struct ShellQuotingTests {
    @Test(arguments: [
        ("plain", "plain"),
        ("", "''"),
        ("two words", "'two words'"),
        ("it's", "'it'\\''s'"),
        ("$(rm -rf /)", "'$(rm -rf /)'"),
        ("a;b|c&d`e`", "'a;b|c&d`e`'"),
        ("line\nbreak", "'line\nbreak'"),
        ("127.0.0.1:34601,host-2", "127.0.0.1:34601,host-2"),
    ])
    func quotes(input: String, expected: String) {
        #expect(ShellQuoting.quote(input) == expected)
    }
}

@Suite("The process-group wrapper's marker line")
struct ChannelSinkTests {
    private func feed(_ pieces: [String], expectsMarker: Bool = true) -> ChannelSink {
        let sink = ChannelSink(limit: .default, expectsMarker: expectsMarker, onOutput: nil)
        for piece in pieces { Array(piece.utf8).withUnsafeBytes { sink.receive($0, isStderr: true) } }
        sink.flushPendingMarker()
        return sink
    }

    @Test func markerIsParsedAndStripped() {
        let sink = feed(["WARDEN-PG", "ID=4242\nreal error\n"])
        #expect(sink.processGroup == 4242)
        #expect(sink.stderr.captured.text == "real error\n")
    }

    @Test func stderrWithoutMarkerIsKeptIntact() {
        let sink = feed(["sh: some-tool: not found\n"])
        #expect(sink.processGroup == nil)
        #expect(sink.stderr.captured.text == "sh: some-tool: not found\n")
    }

    @Test func aLongFirstLineIsNotMistakenForAMarker() {
        let long = String(repeating: "x", count: 100)
        let sink = feed([long, "\n"])
        #expect(sink.processGroup == nil)
        #expect(sink.stderr.captured.text == long + "\n")
    }

    @Test func partialMarkerAtEndOfStreamIsFlushedAsStderr() {
        let sink = feed(["WARDEN-PGID=12"])
        #expect(sink.processGroup == nil)
        #expect(sink.stderr.captured.text == "WARDEN-PGID=12")
    }

    @Test func wrapperQuotesTheCommandAsOneWord() {
        let wrapped = ProcessGroupWrapper.wrap("echo 'a b'; exit 3")
        #expect(wrapped.hasSuffix(#"echo "WARDEN-PGID=$WARDEN_G $WARDEN_S" >&2; exec "${SHELL:-/bin/sh}" -c 'echo '\''a b'\''; exit 3'"#))
    }

    /// The group and its leader's start time reach the caller as the command
    /// starts, so that a run can journal them (issue 14, item 4).
    @Test func theGroupAndItsStartTimeAreToldAsSoonAsTheMarkerArrives() {
        let told = Told()
        let sink = ChannelSink(limit: .default, expectsMarker: true, onOutput: nil) { group, start in told.set(group, start) }
        Array("WARDEN-PGID=4242 987654\nreal error\n".utf8).withUnsafeBytes { sink.receive($0, isStderr: true) }
        #expect(sink.processGroup == 4242)
        #expect(told.value?.0 == 4242 && told.value?.1 == "987654")
        #expect(sink.stderr.captured.text == "real error\n")
    }

    /// A wrapper line from a host without /proc has no start time.
    @Test func aMarkerWithoutAStartTimeStillNamesTheGroup() {
        let told = Told()
        let sink = ChannelSink(limit: .default, expectsMarker: true, onOutput: nil) { group, start in told.set(group, start) }
        Array("WARDEN-PGID=4242 \n".utf8).withUnsafeBytes { sink.receive($0, isStderr: true) }
        #expect(sink.processGroup == 4242)
        #expect(told.value?.0 == 4242 && told.value?.1 == nil)
    }
}

/// What a sink's process-group callback was told, across its thread.
private final class Told: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: (Int32, String?)?
    var value: (Int32, String?)? { lock.withLock { stored } }
    func set(_ group: Int32, _ start: String?) { lock.withLock { stored = (group, start) } }
}
