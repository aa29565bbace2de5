import Testing
@testable import WardenCore

extension IdentityTests {
    /// The role table is the whole of who may do what through `warden serve`:
    /// it is spelled out here in full, so a change to it is a change to a test.
    @Suite("Roles and permissions")
    struct RoleTests {
        static let table: [Role: Set<Permission>] = [
            .viewer: [.read, .readMetrics],
            .operator: [.read, .readMetrics, .plan, .startRun, .cancelRun, .resumeRun, .closeIncident, .controlSchedule],
            .approver: [.read, .readMetrics, .approve],
            .admin: [.read, .readMetrics, .plan, .startRun, .cancelRun, .resumeRun, .closeIncident, .controlSchedule, .breakLock, .reload],
            .alerts: [.deliverAlerts],
        ]

        @Test(arguments: Role.allCases)
        func eachRoleGrantsExactlyItsRowOfTheTable(role: Role) {
            #expect(role.permissions == Self.table[role])
        }

        @Test func adminDoesNotApproveAndAlertsDoesNotEvenRead() {
            #expect(!Role.admin.permissions.contains(.approve), "separation of duties: approving takes the approver role")
            #expect(Role.allCases.filter { $0.permissions.contains(.approve) } == [.approver])
            #expect(Role.alerts.permissions == [.deliverAlerts])
            #expect(Role.allCases.filter { $0.permissions.contains(.deliverAlerts) } == [.alerts])
            // Every permission is granted by some role.
            #expect(Set(Role.allCases.flatMap(\.permissions)) == Set(Permission.allCases))
        }

        @Test func anIdentityMayWhatAnyOfItsRolesMay() {
            let both = Identity(name: "alice", roles: [.admin, .approver], proof: .token(name: "alice"))
            #expect(both.may(.approve) && both.may(.breakLock) && both.may(.read))
            #expect(!both.may(.deliverAlerts))
            #expect(both.permissions == Self.table[.admin]!.union([.approve]))

            let admin = Identity(name: "root-ish", roles: [.admin], proof: .operatingSystemUser)
            #expect(!admin.may(.approve))

            let none = Identity(name: "nobody", roles: [], proof: .proxyHeader(proxy: "10.0.0.5"))
            #expect(Permission.allCases.allSatisfy { !none.may($0) })
        }

        @Test func anIdentityDescribesItselfForLogsWithoutLettingANameForgeALine() {
            #expect(Identity(name: "alice", roles: [.viewer], proof: .token(name: "alice")).description == "alice (token)")
            #expect(Identity(name: "bob", roles: [.viewer], proof: .proxyHeader(proxy: "10.0.0.5")).description == "bob (via proxy 10.0.0.5)")
            #expect(Identity(name: "carol", roles: [], proof: .operatingSystemUser).description == "carol (operating-system user)")
            let forged = Identity(name: "eve\nalice (token)", roles: [], proof: .proxyHeader(proxy: "10.0.0.5"))
            #expect(!forged.description.contains("\n"))
        }

        @Test func roleNamesAreParsedWithADidYouMean() throws {
            #expect(try Role(named: "approver") == .approver)
            let error = #expect(throws: TokenFileError.self) { try Role(named: "admn") }
            #expect(error?.kind == .invalidRequest)
            #expect(error?.description == "unknown role 'admn' (did you mean 'admin'?); the roles are viewer, operator, approver, admin, alerts")
            let far = #expect(throws: TokenFileError.self) { try Role(named: "superuser") }
            #expect(far?.description == "unknown role 'superuser'; the roles are viewer, operator, approver, admin, alerts")
        }
    }
}
