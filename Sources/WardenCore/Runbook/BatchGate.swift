/// `between_batches:` on a step with `serial:` — what must hold before the
/// next batch starts, after `batch_pause`: a probe polled until its
/// condition holds (`wait:`, as a `wait` step). A rolling change stops when
/// the cluster did not recover from the batch before; the remaining hosts
/// are not touched.
public struct BatchGate: Sendable {
    public internal(set) var wait: WaitSpec
    /// Where `between_batches:` is written, for messages about it.
    public let location: SourceLocation
}
