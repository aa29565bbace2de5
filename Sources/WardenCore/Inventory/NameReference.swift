/// A host or group name as written somewhere in an inventory, kept with its
/// place so a dangling reference can be reported where it was written.
struct NameReference: Hashable {
    let name: String
    let location: SourceLocation
}
