/// A test helper of the outbound client's tests could not set up what the test needs.
struct OutboundTestFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
