/// A JSON member name chosen at run time: for a view that adds members to
/// another view's object (an incident and what it waits for; a schedule and
/// its recent occurrences) instead of nesting it.
struct JSONKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(_ name: String) { stringValue = name }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
