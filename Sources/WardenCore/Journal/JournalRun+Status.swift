extension JournalRun {
    /// Where a run stands: `running` until it ends, then how it ended (a
    /// `RunStatus`, which a run that ended can only be). Stored, shown and
    /// encoded as its raw value (`running`, `succeeded`, `failed-checks`...),
    /// which is stable.
    public enum Status: Sendable, Hashable, RawRepresentable, Codable, CustomStringConvertible, CaseIterable {
        case running
        case ended(RunStatus)

        public init?(rawValue: String) {
            if rawValue == "running" {
                self = .running
            } else if let ended = RunStatus(rawValue: rawValue) {
                self = .ended(ended)
            } else {
                return nil
            }
        }

        public var rawValue: String {
            switch self {
            case .running: "running"
            case let .ended(status): status.rawValue
            }
        }

        public var description: String { rawValue }

        public static var allCases: [Status] { [.running] + RunStatus.allCases.map(Status.ended) }
    }
}
