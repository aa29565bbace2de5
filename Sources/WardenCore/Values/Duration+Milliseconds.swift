extension Duration {
    /// The duration in milliseconds, fractions kept: what reports and JSON show.
    public var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
