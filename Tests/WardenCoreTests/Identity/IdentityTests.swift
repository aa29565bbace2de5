import Testing

/// The identities, roles and tokens of `warden serve` (Sources/WardenCore/Identity):
/// every suite of this folder is nested here, so `swift test --filter Identity` runs them all.
@Suite("Identity")
enum IdentityTests {}
