import Foundation

/// What the web tests read of a page beside the whole text.
extension Reply {
    /// The page's own content (inside `<main>`): the header's sign-out form left out.
    var main: String {
        guard let start = text.range(of: "<main>"), let end = text.range(of: "</main>", range: start.upperBound..<text.endIndex) else { return "" }
        return String(text[start.upperBound..<end.lowerBound])
    }

    /// The text of the page's alert (`<p class="problem" role="alert">`), if any.
    var problem: String? {
        guard let start = text.range(of: #"<p class="problem" role="alert">"#),
              let end = text.range(of: "</p>", range: start.upperBound..<text.endIndex) else { return nil }
        return String(text[start.upperBound..<end.lowerBound])
    }
}
