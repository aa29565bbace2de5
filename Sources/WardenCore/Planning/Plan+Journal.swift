import Foundation

extension Plan {
    /// The plan as the journal keeps it with its run (what approvers are shown and a resume
    /// checks against): JSON, keys sorted, as `warden plan --output json` prints it.
    static func journalJSON(_ plan: Plan) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(plan), as: UTF8.self)
    }
}
