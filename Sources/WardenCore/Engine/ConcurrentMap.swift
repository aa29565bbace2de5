/// Runs per-host work at most `limit` at a time and returns the results in
/// the hosts' order: the engine's way of touching many hosts at once where
/// each host gets its own command line.
public enum ConcurrentMap {
    public static func map<Item: Sendable, Result: Sendable>(
        _ items: [Item], limit: Int, _ body: @escaping @Sendable (Item) async -> Result
    ) async -> [Result] {
        var results = [Result?](repeating: nil, count: items.count)
        await withTaskGroup(of: (Int, Result).self) { group in
            var next = 0
            func startNext() {
                guard next < items.count else { return }
                let index = next
                let item = items[index]
                next += 1
                group.addTask { (index, await body(item)) }
            }
            for _ in 0..<min(max(1, limit), items.count) { startNext() }
            for await (index, result) in group {
                results[index] = result
                startNext()
            }
        }
        return results.compactMap { $0 }
    }
}
