/// A group as read from the `groups` mapping, before membership through
/// hosts and children is worked out.
struct GroupDefinition {
    let name: String
    let location: SourceLocation
    var hosts: [NameReference] = []
    var children: [NameReference] = []
    var vars: [String: Value] = [:]
    var hostStateDir: String?
    var become: BecomeSetting?
    var jump: [NameReference]?
}
