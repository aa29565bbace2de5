/// A `become:` as written at one level (a step, a host, a group, defaults)
/// before the levels are combined: switch to a user, or explicitly not
/// (`become: false`, which overrides a default from further out).
public enum BecomeSetting: Sendable, Hashable {
    case loginUser
    case become(BecomeSpec)

    /// The spec it names, nil for the login user.
    public var spec: BecomeSpec? {
        if case let .become(spec) = self { return spec }
        return nil
    }
}
