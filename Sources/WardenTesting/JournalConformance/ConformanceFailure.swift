import WardenCore

/// A conformance check that did not hold: what was expected, where.
public struct ConformanceFailure: Error, CustomStringConvertible {
    public let description: String

    public init(_ message: String, file: StaticString = #fileID, line: UInt = #line) {
        description = "\(file):\(line): \(message)"
    }
}

/// Fails the check with `message` unless `condition` holds.
func require(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) throws {
    guard condition else { throw ConformanceFailure(message(), file: file, line: line) }
}

/// Fails the check unless `actual` equals `expected`, saying both.
func requireEqual<T: Equatable>(_ actual: T, _ expected: T, _ what: @autoclosure () -> String,
                                file: StaticString = #fileID, line: UInt = #line) throws {
    guard actual == expected else {
        throw ConformanceFailure("\(what()): expected \(expected), got \(actual)", file: file, line: line)
    }
}

/// Fails the check unless `body` throws a `JournalError` of `kind`; returns it.
@discardableResult
func requireJournalError<T>(_ kind: JournalError.Kind, _ what: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line,
                            _ body: () async throws -> T) async throws -> JournalError {
    do {
        let value = try await body()
        throw ConformanceFailure("\(what()): expected a \(kind) error, got \(value)", file: file, line: line)
    } catch let error as JournalError {
        guard error.kind == kind else {
            throw ConformanceFailure("\(what()): expected a \(kind) error, got \(error.kind): \(error)", file: file, line: line)
        }
        return error
    }
}
