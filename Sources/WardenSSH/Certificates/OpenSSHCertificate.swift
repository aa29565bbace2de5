import Foundation

/// An OpenSSH certificate (`ssh-keygen -s`'s `-cert.pub`), read from its
/// wire format (PROTOCOL.certkeys) to say who and what it is for and when it
/// is valid, so that Warden can warn before a login fails on an expired or
/// not-yet-valid certificate.
///
/// The CA's signature is not verified: servers do that; this only reads.
/// Every read is bounds-checked, so a cut or garbled certificate throws.
public struct OpenSSHCertificate: Sendable, Hashable {
    /// What the certificate authenticates (its `type` field).
    public enum Kind: Sendable, Hashable {
        /// A user certificate (type 1): logs a user in.
        case user
        /// A host certificate (type 2): vouches for a server's host key.
        case host
    }

    /// Where a moment stands against the certificate's validity interval.
    public enum Validity: Sendable, Hashable {
        case valid
        /// Before `valid_after`: usable from that moment.
        case notYetValid(from: Date)
        /// At or past `valid_before`: it ended at that moment.
        case expired(at: Date)
    }

    /// The certificate's key type, e.g. `ssh-ed25519-cert-v01@openssh.com`.
    public let keyType: String
    public let kind: Kind
    /// The key id (`ssh-keygen -I`), which servers log on each login.
    public let keyID: String
    /// The users (or host names) it is valid for; empty means any.
    public let principals: [String]
    /// Seconds since 1970 from which it is valid; 0 means since always.
    public let validAfter: UInt64
    /// Seconds since 1970 from which it is no longer valid; `UInt64.max` means forever.
    public let validBefore: UInt64
    /// The CA's serial number (`ssh-keygen -z`), 0 when none was given.
    public let serial: UInt64
    /// The text after the key data, if any.
    public let comment: String
    /// The CA's signature: two certificates alike in every field above but
    /// signed by different CAs (a re-signed one) are different certificates.
    let signature: [UInt8]

    /// Text this long is no certificate (the largest RSA keys make a few KiB).
    static let maximumTextBytes = 1024 * 1024
    static let certificateSuffix = "-cert-v01@openssh.com"

    /// Reads the text of a certificate file: `type base64 [comment]`.
    public static func parse(_ text: String) throws(OpenSSHCertificateError) -> OpenSSHCertificate {
        guard text.utf8.count <= maximumTextBytes else { throw .malformed("longer than \(maximumTextBytes) bytes") }
        // The first line with something on it: a file may end with a newline or two.
        let line = text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
            .first { !$0.allSatisfy { $0 == " " || $0 == "\t" } } ?? ""
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let typeField = fields.first else { throw .notACertificate(found: "") }
        let type = String(typeField)
        // Before decoding: a plain key given by mistake should be told so, whatever its data.
        _ = try layout(of: type)
        guard fields.count >= 2 else { throw .malformed("no key data after '\(type)'") }
        guard let data = Data(base64Encoded: String(fields[1])) else { throw .malformed("the key data is not valid base64") }
        let certificate = try parse(blob: [UInt8](data), comment: fields.dropFirst(2).joined(separator: " "))
        guard certificate.keyType == type else {
            throw .malformed("the text says '\(type)' but the key data says '\(certificate.keyType)'")
        }
        return certificate
    }

    /// Reads the certificate file at `path` (at most 1 MiB of UTF-8 text).
    public static func load(path: String) throws(OpenSSHCertificateError) -> OpenSSHCertificate {
        let text: String
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            // A device or FIFO named by mistake must not be read without end.
            guard attributes[.type] as? FileAttributeType == .typeRegular else { throw OpenSSHCertificateError.malformed("'\(path)' is not a regular file") }
            if let size = attributes[.size] as? Int, size > maximumTextBytes { throw OpenSSHCertificateError.malformed("'\(path)' is longer than \(maximumTextBytes) bytes") }
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch let error as OpenSSHCertificateError {
            throw error
        } catch {
            throw .malformed("cannot read '\(path)': \(error.localizedDescription)")
        }
        return try parse(text)
    }

    /// Reads the certificate's binary form (the base64-decoded key data).
    public static func parse(blob: [UInt8], comment: String = "") throws(OpenSSHCertificateError) -> OpenSSHCertificate {
        var reader = WireReader(bytes: blob)
        let type = try reader.text("key type")
        let layout = try layout(of: type)
        _ = try reader.string("nonce")
        try readPublicKey(layout, type: type, from: &reader)
        let serial = try reader.uint64("serial")
        let kind: Kind
        switch try reader.uint32("certificate type") {
        case 1: kind = .user
        case 2: kind = .host
        case let other: throw .malformed("certificate type \(other) is neither user (1) nor host (2)")
        }
        let keyID = try reader.text("key id")
        var principalReader = WireReader(bytes: Array(try reader.string("valid principals")))
        var principals: [String] = []
        while !principalReader.isAtEnd {
            principals.append(try principalReader.text("principal \(principals.count + 1)"))
        }
        let validAfter = try reader.uint64("valid after")
        let validBefore = try reader.uint64("valid before")
        _ = try reader.string("critical options")
        _ = try reader.string("extensions")
        _ = try reader.string("reserved")
        guard !(try reader.string("signature key")).isEmpty else { throw .malformed("empty signature key") }
        let signature = Array(try reader.string("signature"))
        guard !signature.isEmpty else { throw .malformed("empty signature") }
        guard reader.isAtEnd else { throw .malformed("\(reader.remaining) bytes after the signature") }
        return OpenSSHCertificate(keyType: type, kind: kind, keyID: keyID, principals: principals, validAfter: validAfter,
                                  validBefore: validBefore, serial: serial, comment: comment, signature: signature)
    }

    /// As sshd judges it: valid from `validAfter` (inclusive) until
    /// `validBefore` (exclusive), to the second.
    public func validity(at date: Date) -> Validity {
        let now = Self.seconds(date)
        if now < validAfter { return .notYetValid(from: Self.date(validAfter)) }
        if validBefore != UInt64.max, now >= validBefore { return .expired(at: Self.date(validBefore)) }
        return .valid
    }

    // MARK: Types

    /// How the public key is laid out between the nonce and the serial.
    enum PublicKeyLayout: Sendable, Hashable {
        case ed25519
        case ecdsa(curve: String)
        case rsa
        case dsa
    }

    static func layout(of type: String) throws(OpenSSHCertificateError) -> PublicKeyLayout {
        switch type {
        case "ssh-ed25519-cert-v01@openssh.com": return .ed25519
        case "ecdsa-sha2-nistp256-cert-v01@openssh.com": return .ecdsa(curve: "nistp256")
        case "ecdsa-sha2-nistp384-cert-v01@openssh.com": return .ecdsa(curve: "nistp384")
        case "ecdsa-sha2-nistp521-cert-v01@openssh.com": return .ecdsa(curve: "nistp521")
        case "ssh-rsa-cert-v01@openssh.com": return .rsa
        case "ssh-dss-cert-v01@openssh.com": return .dsa
        default:
            // Security-key certificates, the obsolete v00 and anything newer: certificates Warden cannot read.
            if type.hasSuffix(certificateSuffix) || type.hasSuffix("-cert-v00@openssh.com") { throw .unsupportedType(type) }
            // Whatever stood there, shown short: it may be garbage of any length.
            throw .notACertificate(found: type.count > 80 ? String(type.prefix(80)) + "…" : type)
        }
    }

    private static func readPublicKey(_ layout: PublicKeyLayout, type: String, from reader: inout WireReader) throws(OpenSSHCertificateError) {
        switch layout {
        case .ed25519:
            let key = try reader.string("ed25519 public key")
            guard key.count == 32 else { throw .malformed("ed25519 public key of \(key.count) bytes, not 32") }
        case let .ecdsa(curve):
            let named = try reader.text("ecdsa curve")
            guard named == curve else { throw .malformed("\(type) names curve '\(named)'") }
            guard !(try reader.string("ecdsa public point")).isEmpty else { throw .malformed("empty ecdsa public point") }
        case .rsa:
            for field in ["rsa exponent", "rsa modulus"] {
                guard !(try reader.string(field)).isEmpty else { throw .malformed("empty \(field)") }
            }
        case .dsa:
            for field in ["dsa p", "dsa q", "dsa g", "dsa y"] {
                guard !(try reader.string(field)).isEmpty else { throw .malformed("empty \(field)") }
            }
        }
    }

    // MARK: Time

    /// Whole seconds since 1970, clamped to UInt64: before 1970 is 0 (and
    /// NaN too), beyond UInt64 is its maximum; converting unclamped would trap.
    static func seconds(_ date: Date) -> UInt64 {
        let interval = date.timeIntervalSince1970
        guard interval > 0 else { return 0 }
        guard interval < 18_446_744_073_709_551_616.0 else { return UInt64.max }
        return UInt64(interval)
    }

    static func date(_ seconds: UInt64) -> Date {
        Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    // MARK: Wire format

    /// RFC 4251's big-endian integers and length-prefixed strings, every
    /// read checked against what is left.
    private struct WireReader {
        let bytes: [UInt8]
        var offset = 0

        var isAtEnd: Bool { offset >= bytes.count }
        var remaining: Int { bytes.count - offset }

        mutating func take(_ count: Int, _ field: String) throws(OpenSSHCertificateError) -> ArraySlice<UInt8> {
            guard count >= 0, count <= remaining else {
                throw .malformed("cut short: \(field) needs \(count) bytes at offset \(offset), \(max(remaining, 0)) left")
            }
            defer { offset += count }
            return bytes[offset..<(offset + count)]
        }

        mutating func uint32(_ field: String) throws(OpenSSHCertificateError) -> UInt32 {
            try take(4, field).reduce(0) { $0 << 8 | UInt32($1) }
        }

        mutating func uint64(_ field: String) throws(OpenSSHCertificateError) -> UInt64 {
            try take(8, field).reduce(0) { $0 << 8 | UInt64($1) }
        }

        mutating func string(_ field: String) throws(OpenSSHCertificateError) -> ArraySlice<UInt8> {
            let length = try uint32("length of \(field)")
            guard let count = Int(exactly: length) else { throw .malformed("\(field) of \(length) bytes") }
            return try take(count, field)
        }

        /// A string that must be UTF-8 (types, names, ids).
        mutating func text(_ field: String) throws(OpenSSHCertificateError) -> String {
            let raw = try string(field)
            guard let text = String(validating: raw, as: UTF8.self) else { throw .malformed("\(field) is not UTF-8 text") }
            return text
        }
    }
}
