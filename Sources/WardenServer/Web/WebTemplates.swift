import Foundation
import Mustache

/// The web UI's templates and stylesheet, read from the target's resources
/// once per process. Templates are rendered with `{{x}}` only, which escapes
/// HTML: runbooks, parameters and host output are text, whoever wrote them.
enum WebTemplates {
    /// The templates, or why they could not be loaded (a broken build: every page answers 500 saying so).
    static let library: Result<MustacheLibrary, WebTemplateError> = load()

    /// `warden.css`, or nil when the build lacks it.
    static let stylesheet: Data? = Bundle.module.url(forResource: "warden", withExtension: "css", subdirectory: "Static")
        .flatMap { try? Data(contentsOf: $0) }

    static let names = ["layout", "sign-in", "runs"]

    private static func load() -> Result<MustacheLibrary, WebTemplateError> {
        var library = MustacheLibrary()
        for name in names {
            guard let url = Bundle.module.url(forResource: name, withExtension: "mustache", subdirectory: "Templates"),
                  let text = try? String(contentsOf: url, encoding: .utf8) else {
                return .failure(WebTemplateError(message: "the web template \(name).mustache is missing from the build"))
            }
            do {
                try library.register(text, named: name)
            } catch {
                return .failure(WebTemplateError(message: "the web template \(name).mustache does not parse: \(error)"))
            }
        }
        return .success(library)
    }

    /// Template `name` rendered with `values`.
    static func render(_ name: String, _ values: [String: Any]) throws(WebTemplateError) -> String {
        let library = try library.get()
        guard let html = library.render(values, withTemplate: name) else {
            throw WebTemplateError(message: "no web template named \(name)")
        }
        return html
    }
}
