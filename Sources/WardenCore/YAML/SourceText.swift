import Foundation

/// Reads the text of a file Warden loads (inventory, runbook), turning every
/// way that can fail into one located error: missing, a folder, unreadable,
/// too large, or not UTF-8.
enum SourceText {
    /// Larger files are refused before they are read: no runbook or inventory
    /// is this big, and a mistaken path to a disk image must not eat memory.
    static let maximumBytes = 16 << 20

    /// `kind` names the file in messages ("inventory file", "runbook").
    static func read(_ path: String, kind: String) throws(LocatedError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw LocatedError("\(kind) '\(path)' does not exist")
        }
        guard !isDirectory.boolValue else {
            let article = kind.first.map { "aeiou".contains($0) } == true ? "an" : "a"
            throw LocatedError("'\(path)' is a folder, not \(article) \(kind)")
        }
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > maximumBytes {
            throw LocatedError("\(kind) '\(path)' is \(size) bytes; the limit is \(maximumBytes)")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw LocatedError("cannot read \(kind) '\(path)': \(error.localizedDescription)")
        }
        if let text = String(data: data, encoding: .utf8) {
            return text
        }
        throw LocatedError("the file is not UTF-8 text (invalid byte sequence)", at: firstInvalidUTF8(in: data, file: path))
    }

    /// Where decoding fails, so binary junk is reported like any other error.
    private static func firstInvalidUTF8(in data: Data, file: String) -> SourceLocation {
        var iterator = data.makeIterator()
        var decoder = UTF8()
        var line = 1
        var column = 1
        while case let .scalarValue(scalar) = decoder.decode(&iterator) {
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return SourceLocation(file: file, line: line, column: column)
    }
}
