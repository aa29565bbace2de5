/// What a writer gives for an alert input; its number and time are the journal's business.
public struct AlertInputDraft: Sendable {
    public var kind: AlertInputEntry.Kind
    public var source: String
    public var body: [UInt8]?
    public var run: String?
    public var incident: String?
    public var detail: String?

    public init(kind: AlertInputEntry.Kind, source: String, body: [UInt8]? = nil, run: String? = nil, incident: String? = nil, detail: String? = nil) {
        self.kind = kind
        self.source = source
        self.body = body
        self.run = run
        self.incident = incident
        self.detail = detail
    }
}
