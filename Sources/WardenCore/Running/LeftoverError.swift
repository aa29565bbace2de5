/// A command the dead controller started still runs on its host (or its
/// host cannot say), so `warden resume` does not go on; the description
/// names the host, the step and what was found.
struct LeftoverError: Error, Sendable, CustomStringConvertible {
    public let description: String
}
