import Foundation

/// Reading a token file's JSON. Strict, because every mistake here changes
/// who may use the API: an unknown key (`expires` for `expires_at`) would
/// otherwise be a token that never expires, an unknown role one that may
/// nothing without a word. Every message names the file and the place in it
/// (`tokens[2].roles[0]`, or a line and column for bad JSON), and never
/// quotes a digest (someone may have pasted a token where it belongs).
extension TokenFile {
    static let documentKeys = ["version", "tokens"]
    static let entryKeys = ["name", "roles", "sha256", "created_at", "expires_at"]

    static func parse(_ bytes: [UInt8], path: String) throws(TokenFileError) -> TokenFile {
        func malformed(_ message: String) -> TokenFileError {
            TokenFileError(.malformed, "\(path): \(message)")
        }
        let shape = #"a token file is one JSON object, {"version": 1, "tokens": [...]}"#
        guard bytes.contains(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else {
            throw malformed("the file is empty; \(shape) (remove it to start anew with warden token add)")
        }
        let document: Value
        do {
            document = try JSONDecoder().decode(Value.self, from: Data(bytes))
        } catch {
            throw malformed("not valid JSON: \(reason(error, in: bytes))")
        }
        guard case .map(let top) = document else {
            throw malformed("\(shape), not \(describe(document))")
        }
        try rejectUnknownKeys(of: top, known: documentKeys, at: "the document", malformed)
        guard let version = top["version"] else {
            throw malformed("there is no \"version\"; \(shape)")
        }
        guard case .int(let number) = version, number == TokenFile.version else {
            let found = if case .int(let number) = version { "version \(number)" } else { "a version of \(describe(version))" }
            throw malformed("\(found), which this Warden does not read (it reads version \(TokenFile.version)): "
                            + "the file was written by another version of Warden, or by hand; use the Warden that wrote it")
        }
        guard case .list(let items)? = top["tokens"] else {
            throw malformed("\"tokens\" must be a list of tokens, not \(top["tokens"].map(describe) ?? "missing"); \(shape)")
        }
        var entries: [TokenEntry] = []
        var names: [String: Int] = [:]
        var digests: [[UInt8]: Int] = [:]
        for (index, item) in items.enumerated() {
            let entry = try parseEntry(item, at: "tokens[\(index)]", malformed)
            if let earlier = names[entry.name] {
                throw malformed("tokens[\(earlier)] and tokens[\(index)] are both called '\(entry.name)'; a name must be unique, "
                                + "as the journal records who did what by it: remove or rename one")
            }
            if let earlier = digests[entry.digest] {
                throw malformed("tokens[\(earlier)] ('\(entries[earlier].name)') and tokens[\(index)] ('\(entry.name)') have the same digest, "
                                + "so one token would be both; revoke both and add new ones")
            }
            names[entry.name] = index
            digests[entry.digest] = index
            entries.append(entry)
        }
        return TokenFile(entries: entries)
    }

    private static func parseEntry(_ item: Value, at place: String, _ malformed: (String) -> TokenFileError) throws(TokenFileError) -> TokenEntry {
        guard case .map(let fields) = item else {
            throw malformed("\(place) must be an object with \(entryKeys.joined(separator: ", ")), not \(describe(item))")
        }
        // The name first, so that every later message can say which token it is about.
        guard case .string(let name)? = fields["name"] else {
            throw malformed("\(place).name must be a string, not \(fields["name"].map(describe) ?? "missing")")
        }
        guard TokenEntry.isValidName(name) else {
            throw malformed("\(place).name '\(VisibleText.line(name.prefix(80)))' is not a token name: 1 to 64 of A-Z a-z 0-9 . _ @ -")
        }
        let token = "\(place) ('\(name)')"
        try rejectUnknownKeys(of: fields, known: entryKeys, at: token, malformed)

        guard case .list(let roleValues)? = fields["roles"] else {
            throw malformed("\(token).roles must be a list of roles, not \(fields["roles"].map(describe) ?? "missing")")
        }
        var roles: Set<Role> = []
        for (position, value) in roleValues.enumerated() {
            guard case .string(let roleName) = value else {
                throw malformed("\(token).roles[\(position)] must be a role name, not \(describe(value))")
            }
            guard let role = Role(rawValue: roleName) else {
                throw malformed("\(token).roles[\(position)]: \(Role.unknown(roleName))")
            }
            roles.insert(role)
        }
        guard !roles.isEmpty else {
            throw malformed("\(token) has no roles, so it may nothing; give it a role or revoke it")
        }

        guard case .string(let hex)? = fields["sha256"] else {
            throw malformed("\(token).sha256 must be a string, not \(fields["sha256"].map(describe) ?? "missing")")
        }
        guard let digest = digestBytes(hex) else {
            // Never quoted: it may be a token pasted where its digest belongs.
            throw malformed("\(token).sha256 is not a SHA-256 digest (64 hexadecimal digits; it has \(hex.count) characters, not shown); "
                            + "revoke the token and add a new one")
        }

        guard case .int(let created)? = fields["created_at"], created >= 0 else {
            throw malformed("\(token).created_at must be whole Unix seconds, not \(fields["created_at"].map(describe) ?? "missing")")
        }
        var expires: Int64?
        switch fields["expires_at"] {
        case nil, .null?:
            expires = nil
        case .int(let seconds)? where seconds >= 0:
            expires = Int64(seconds)
        case let other?:
            throw malformed("\(token).expires_at must be whole Unix seconds (or absent: never), not \(describe(other))")
        }
        return TokenEntry(name: name, roles: roles, createdAt: Int64(created), expiresAt: expires, digest: digest)
    }

    private static func rejectUnknownKeys(of fields: [String: Value], known: [String], at place: String,
                                          _ malformed: (String) -> TokenFileError) throws(TokenFileError) {
        for key in fields.keys.sorted() where !known.contains(key) {
            // "expires" for "expires_at" is too many edits for a typo, yet plainly meant.
            let hint = (NameSuggestion.hint(for: key, among: known) ?? known.first { $0.hasPrefix(key + "_") }.map { "did you mean '\($0)'?" })
                .map { " (\($0))" } ?? ""
            throw malformed("\(place) has an unknown key '\(VisibleText.line(key.prefix(80)))'\(hint); the keys are \(known.joined(separator: ", "))")
        }
    }

    /// The 32 bytes of 64 hexadecimal digits (either case); nil for anything else.
    static func digestBytes(_ hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for pair in stride(from: 0, to: 64, by: 2) {
            guard let high = nibble(digits[pair]), let low = nibble(digits[pair + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// What is wrong with the JSON, with its line and column when the parser names a place.
    /// JSONDecoder on Linux says only "not valid JSON"; JSONSerialization says where
    /// ("around character 31", a byte offset), which is turned into a line and a column.
    private static func reason(_ error: any Error, in bytes: [UInt8]) -> String {
        var said: String?
        do {
            _ = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            said = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
        }
        if case let DecodingError.dataCorrupted(context) = error, said == nil {
            said = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String ?? context.debugDescription
        }
        var text = said ?? "\(error)"
        if let range = text.range(of: "around character "),
           let offset = Int(text[range.upperBound...].prefix { $0.isASCII && $0.isNumber }), offset <= bytes.count {
            let before = bytes[..<offset]
            let line = before.count { $0 == UInt8(ascii: "\n") } + 1
            let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
            let column = String(decoding: bytes[lineStart..<offset], as: UTF8.self).count + 1
            text = "line \(line), column \(column): \(text)"
        }
        return VisibleText.line(text)
    }

    private static func describe(_ value: Value) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .int(let number): "the number \(number)"
        case .double: "a fractional number"
        case .string: "a string"
        case .list: "a list"
        case .map: "an object"
        case .duration: "a duration"
        }
    }
}
