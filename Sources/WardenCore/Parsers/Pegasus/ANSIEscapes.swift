/// Removes terminal escape sequences. pegasus_shell on master prints its
/// errors in bold red even into a pipe, and a parser matching `ERROR:` must
/// see the text without them.
enum ANSIEscapes {
    static func stripped(_ line: Substring) -> String {
        guard line.contains("\u{1B}") else { return String(line) }
        var result = String.UnicodeScalarView()
        var scalars = line.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            guard scalar == "\u{1B}" else {
                result.append(scalar)
                continue
            }
            // CSI (`ESC [ ... final`) ends at a byte in @...~; any other
            // escape is ESC plus one character.
            guard let next = scalars.next(), next == "[" else { continue }
            while let byte = scalars.next(), !(0x40...0x7E).contains(byte.value) {}
        }
        return String(result)
    }
}
