/// What an API identity is for; a token or a proxy-vouched user carries one
/// or more roles, and may what any of them may (`permissions`).
///
/// The roles are deliberately not a ladder: `admin` does not imply
/// `approver`, so that an identity that runs and repairs things cannot also
/// approve its own changes unless it is given `approver` explicitly
/// (separation of duties), and `alerts` may deliver alerts and nothing
/// else, not even read, because its token sits in an alerting system's
/// configuration where more people can see it.
public enum Role: String, Sendable, Codable, CaseIterable {
    /// Reads runs, plans, locks, the audit log and metrics.
    case viewer
    /// What a viewer may, and plans, starts, cancels and resumes runs.
    case `operator`
    /// What a viewer may, and approves or denies approval gates.
    case approver
    /// What an operator may, and breaks locks and reloads the configuration. Not approving.
    case admin
    /// Delivers alerts; nothing else.
    case alerts

    /// The permissions this role grants.
    public var permissions: Set<Permission> {
        switch self {
        case .viewer: [.read, .readMetrics]
        case .operator: Role.viewer.permissions.union([.plan, .startRun, .cancelRun, .resumeRun, .closeIncident, .controlSchedule])
        case .approver: Role.viewer.permissions.union([.approve])
        case .admin: Role.operator.permissions.union([.breakLock, .reload])
        case .alerts: [.deliverAlerts]
        }
    }

    /// The role called `name` (as the token file and `--role` spell it).
    /// An unknown name is refused with the closest role ("did you mean
    /// 'admin'?") and the list of roles.
    public init(named name: String) throws(TokenFileError) {
        guard let role = Role(rawValue: name) else {
            throw TokenFileError(.invalidRequest, Role.unknown(name))
        }
        self = role
    }

    /// "unknown role 'admn' (did you mean 'admin'?); the roles are viewer, operator, approver, admin, alerts"
    static func unknown(_ name: String) -> String {
        let names = Role.allCases.map(\.rawValue)
        let hint = NameSuggestion.hint(for: name, among: names).map { " (\($0))" } ?? ""
        return "unknown role '\(VisibleText.line(name.prefix(80)))'\(hint); the roles are \(names.joined(separator: ", "))"
    }
}
