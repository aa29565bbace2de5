import Foundation

/// The OpenAPI 3.1 document of the API (`openapi.json` beside this file, the
/// one kept in the repository), served at `/api/v1/openapi.json`.
enum OpenAPIDocument {
    static let data: Data? = Bundle.module.url(forResource: "openapi", withExtension: "json").flatMap { try? Data(contentsOf: $0) }
}
