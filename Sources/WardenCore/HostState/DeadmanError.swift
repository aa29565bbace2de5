/// Why a change did not go ahead on a host: its deadman could not be
/// rendered, journaled or armed.
struct DeadmanError: Error, Sendable, CustomStringConvertible {
    public let description: String
}
