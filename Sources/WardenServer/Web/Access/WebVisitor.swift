/// A signed-in browser as one request sees it.
struct WebVisitor: Sendable {
    let session: WebSession
    /// Made by this request (a sign-in, or a user a trusted proxy names): its cookie is set on the answer.
    let isNew: Bool
}
