/// Everything wrong with an inventory file, collected in one pass so a
/// person can fix all of it at once instead of one error per run.
public struct InventoryErrors: Error, Sendable, Hashable, CustomStringConvertible {
    /// In file order; never empty.
    public let errors: [LocatedError]

    public init(_ errors: [LocatedError]) {
        self.errors = errors
    }

    /// One line per error.
    public var description: String {
        errors.map(\.description).joined(separator: "\n")
    }
}
