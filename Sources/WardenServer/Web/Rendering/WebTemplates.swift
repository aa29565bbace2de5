import Foundation
import Mustache

/// The web UI's templates and stylesheet, read from the target's resources
/// once per process. Templates are rendered with `{{x}}` only, which escapes
/// HTML: runbooks, parameters and host output are text, whoever wrote them.
enum WebTemplates {
    /// The templates, or why they could not be loaded (a broken build: every page answers 500 saying so).
    static let library: Result<MustacheLibrary, WebTemplateError> = load()

    /// The files under `/static/`: the stylesheet and the one script, by name, with their content types.
    static let staticFiles: [String: (data: Data, type: String)] = {
        var files: [String: (data: Data, type: String)] = [:]
        for (name, ext, type) in [("warden", "css", "text/css; charset=utf-8"), ("warden", "js", "text/javascript; charset=utf-8")] {
            if let url = Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Static"), let data = try? Data(contentsOf: url) {
                files["\(name).\(ext)"] = (data, type)
            }
        }
        return files
    }()

    /// Static file `name` (`warden.css`, `warden.js`); nil for any other name (no path is ever read from the request).
    static func staticFile(_ name: String) -> (data: Data, type: String)? { staticFiles[name] }

    static let names = ["layout", "message", "sign-in", "runs", "runs-table", "run", "run-live", "plan-step", "plan", "approvals", "start",
                        "schedules", "incidents", "locks", "audit", "status"]

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
