/// A template missing from the build or not parsing: a packaging fault, answered 500 with this text.
struct WebTemplateError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
