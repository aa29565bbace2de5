import Foundation

/// `cluster_info`'s `balance_operation_count`, which v2.5.0 prints as
/// `move_pri=1,copy_pri=0,copy_sec=2,total=3` and master as a JSON object
/// over several lines (a JSON string holding one under `-j`). Both become
/// a map of ints with `move_pri`, `copy_pri`, `copy_sec` and `total`.
/// On master `total` is -1 while the meta server has not yet heard from
/// every replica, so the count is unknown rather than zero.
enum PegasusBalanceOperationCount {
    static let kinds = ["move_pri", "copy_pri", "copy_sec", "total"]

    /// nil when `text` has neither shape (the caller keeps the text).
    static func value(_ text: String) -> Value? {
        let trimmed = Substring(text).trimmingWhitespace
        if trimmed.isEmpty { return .null }
        var counts: [String: Value] = [:]
        if trimmed.hasPrefix("{") {
            guard let decoded = try? JSONDecoder().decode(Value.self, from: Data(trimmed.utf8)),
                  case let .map(entries) = decoded else { return nil }
            counts = entries
        } else if let total = Int(trimmed) {
            // Shells before the per-kind detail printed only the total.
            counts = ["total": .int(total)]
        } else {
            for pair in trimmed.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, let count = Int(parts[1].trimmingWhitespace) else { return nil }
                counts[parts[0].trimmingWhitespace] = .int(count)
            }
        }
        for kind in kinds where counts[kind] == nil { counts[kind] = .null }
        return .map(counts)
    }
}
