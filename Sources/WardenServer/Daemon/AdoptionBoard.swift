import WardenCore

/// The runs a restarted daemon found left by its previous life that need an
/// operator's word (a change of unknown outcome, a secret to give again),
/// with why: listed at `/api/v1/status` until they are resumed.
public actor AdoptionBoard {
    public struct Waiting: Sendable, Encodable {
        public let runID: String
        public let reason: String

        enum CodingKeys: String, CodingKey {
            case reason
            case runID = "run_id"
        }
    }

    public private(set) var waiting: [Waiting] = []
    public private(set) var resumed: [String] = []

    func record(_ adoptions: [RunDispatcher.Adoption]) {
        for adoption in adoptions {
            switch adoption {
            case let .resumed(run): resumed.append(run)
            case let .waiting(run, reason): waiting.append(Waiting(runID: run, reason: reason))
            }
        }
    }

    func settled(_ runID: String) {
        waiting.removeAll { $0.runID == runID }
    }
}
