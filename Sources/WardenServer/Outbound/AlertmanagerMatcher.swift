/// One matcher of an Alertmanager silence, as API v2 writes it: `name`, `value`, and whether
/// the value is a regular expression (`isRegex`) and the match is `=`/`=~` (`isEqual`) or
/// `!=`/`!~`. Silences Warden makes match exact labels: the incident's, nothing wider.
public struct AlertmanagerMatcher: Sendable, Hashable, Codable, CustomStringConvertible {
    public var name: String
    public var value: String
    public var isRegex: Bool
    public var isEqual: Bool

    public init(name: String, value: String, isRegex: Bool = false, isEqual: Bool = true) {
        self.name = name
        self.value = value
        self.isRegex = isRegex
        self.isEqual = isEqual
    }

    enum CodingKeys: String, CodingKey {
        case name, value, isRegex, isEqual
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        value = try container.decode(String.self, forKey: .value)
        isRegex = try container.decode(Bool.self, forKey: .isRegex)
        // Alertmanager before 0.22 has no isEqual: every matcher was a positive one.
        isEqual = try container.decodeIfPresent(Bool.self, forKey: .isEqual) ?? true
    }

    /// `name="value"`, `name=~"regex"`, `name!="value"`, as amtool writes a matcher.
    public var description: String {
        let op = isRegex ? (isEqual ? "=~" : "!~") : (isEqual ? "=" : "!=")
        return "\(name)\(op)\"\(value)\""
    }
}
