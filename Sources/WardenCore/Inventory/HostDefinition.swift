/// A host as read from the `hosts` mapping, before defaults and groups are
/// applied.
struct HostDefinition {
    let name: String
    let location: SourceLocation
    let settings: HostSettings
}
