import Foundation

/// The text fields of a posted form as the pages' handlers read them:
/// trimmed, and a required one refused by name when it is left empty (a
/// browser sends every field of a form, filled or not).
enum WebField {
    /// Field `name`, trimmed; refused (422, naming the field and saying what it is for) when empty or absent.
    static func required(_ form: WebForm, _ name: String, _ purpose: String) throws(WebRefusal) -> String {
        guard let value = optional(form, name) else {
            throw WebRefusal(message: "The \(name) field is required: \(purpose).", status: .unprocessableContent)
        }
        return value
    }

    /// Field `name`, trimmed; nil when empty or absent.
    static func optional(_ form: WebForm, _ name: String) -> String? {
        let value = (form[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        return value.isEmpty ? nil : value
    }
}
