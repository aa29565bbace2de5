/// One term of a host pattern, such as `web`, `!meta-2`, `&east*`.
struct HostPatternTerm: Hashable, Sendable {
    /// What a term does to the selection, by its prefix.
    enum Operation: Hashable, Sendable {
        /// No prefix: add these hosts.
        case include
        /// `&`: keep only hosts that are also in this term.
        case intersect
        /// `!`: remove these hosts.
        case exclude
    }

    let operation: Operation
    /// The term without its prefix.
    let name: String
    /// Set when the term has wildcards; nil for a plain name or `all`.
    let glob: GlobPattern?
}
