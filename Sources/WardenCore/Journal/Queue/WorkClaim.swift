/// A controller's claim on a `WorkItem`: the epoch it was claimed at. Starting the item's run
/// (`Journal.begin(_:lease:closing:)`) or settling it is refused (`.fenced`) once the item was
/// claimed again by someone else, so a controller that froze after claiming starts nothing.
public struct WorkClaim: Sendable, Hashable {
    public let itemID: String
    public let epoch: Int
    public let controller: String

    public init(itemID: String, epoch: Int, controller: String) {
        self.itemID = itemID
        self.epoch = epoch
        self.controller = controller
    }

    /// The claim `item` was just given (`WorkItem.claim(by:until:at:)`).
    init(_ item: WorkItem) {
        self.init(itemID: item.id, epoch: item.epoch, controller: item.claimedBy ?? "")
    }

    /// Throws `.fenced` unless `item` is still claimed under this claim.
    func check(_ item: WorkItem) throws(JournalError) {
        guard item.state == .claimed, item.epoch == epoch, item.claimedBy == controller else {
            let now = item.state == .claimed ? "claimed by \(item.claimedBy ?? "another controller") at epoch \(item.epoch)" : item.state.rawValue
            throw JournalError(.fenced, "work item \(itemID) is no longer this controller's (\(controller), epoch \(epoch)): it is \(now)")
        }
    }
}
