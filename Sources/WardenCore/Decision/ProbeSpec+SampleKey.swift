extension ProbeSpec {
    /// The name its samples are kept and shown under: its own, or where an
    /// inline probe (which has none) is written, so two inline probes never
    /// share a sample.
    var sampleKey: String {
        name.isEmpty ? "inline probe at \(location)" : name
    }
}
