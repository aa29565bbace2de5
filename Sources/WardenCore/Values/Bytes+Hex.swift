extension Sequence where Element == UInt8 {
    /// Lower-case hexadecimal, two digits per byte: how digests are shown and stored.
    var hexText: String {
        map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
