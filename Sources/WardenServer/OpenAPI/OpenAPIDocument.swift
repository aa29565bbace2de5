import Foundation

/// The OpenAPI 3.1 document of the API (`openapi.json` beside this file,
/// written by scripts/lib/openapi.py), served at `/api/v1/openapi.json`. It
/// also says which methods a path takes, so a known path asked with another
/// method is answered 405 with `Allow`, as the document describes it.
enum OpenAPIDocument {
    static let data: Data? = Bundle.module.url(forResource: "openapi", withExtension: "json").flatMap { try? Data(contentsOf: $0) }

    /// Path templates split in segments (`{id}` matches any one segment), with their methods.
    private static let templates: [(segments: [String], methods: [String])] = {
        guard let data, let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let paths = document["paths"] as? [String: Any] else { return [] }
        return paths.map { path, operations in
            let methods = ((operations as? [String: Any])?.keys.map { $0.uppercased() } ?? []).sorted()
            return (path.split(separator: "/").map(String.init), methods)
        }
    }()

    /// The methods the document gives `path`; empty when it describes no such path.
    static func methods(forPath path: String) -> [String] {
        let segments = path.split(separator: "/").map(String.init)
        return templates.first { template in
            template.segments.count == segments.count
                && zip(template.segments, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }?.methods ?? []
    }
}
