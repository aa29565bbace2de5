/// The host one unrolled copy of an `each:` group is for, as its expressions
/// read it: `each.host` (the same fields as `host`), `each.index` (from 1)
/// and `each.count`.
public struct EachBinding: Sendable {
    /// The group's id (full).
    public let group: String
    public let host: InventoryHost
    /// 1 for the first host of the group's target.
    public let index: Int
    /// How many hosts the group goes through in this run.
    public let count: Int

    /// What `each` holds in an expression.
    var value: Value {
        .map(["host": EngineContext.value(of: host), "index": .int(index), "count": .int(count)])
    }

    /// The fields of `each`.
    static let fields = ["host", "index", "count"]
}
