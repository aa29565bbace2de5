import Foundation
import WardenCore

/// `warden validate --output json`: one document with every finding, for
/// editors and CI.
struct ValidationReport: Encodable {
    struct File: Encodable {
        let file: String
        let valid: Bool
        let name: String?
        /// `runbook` or `rules` (a rules file, taken in with `use:`); nil when invalid.
        let kind: String?
        /// The rules files used, where guards and watches not written in the runbook come from.
        let uses: [UsedRulesFile]
        let diagnostics: [Finding]
    }

    struct Finding: Encodable {
        let severity: String
        let file: String?
        let line: Int?
        let column: Int?
        let message: String
        let hint: String?

        init(_ diagnostic: Diagnostic) {
            severity = diagnostic.severity.rawValue
            file = diagnostic.problem.location?.file
            line = diagnostic.problem.location?.line
            column = diagnostic.problem.location?.column
            message = diagnostic.problem.message
            hint = diagnostic.problem.hint
        }

        // Explicit nulls: a reader should not have to guess whether a key is missing.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(severity, forKey: .severity)
            try container.encode(file, forKey: .file)
            try container.encode(line, forKey: .line)
            try container.encode(column, forKey: .column)
            try container.encode(message, forKey: .message)
            try container.encode(hint, forKey: .hint)
        }

        enum CodingKeys: String, CodingKey {
            case severity, file, line, column, message, hint
        }
    }

    let files: [File]

    init(results: [(file: String, result: RunbookLoadResult)]) {
        files = results.map { file, result in
            File(file: file, valid: result.runbook != nil, name: result.runbook?.name,
                 kind: result.runbook.map { $0.isRules ? "rules" : "runbook" }, uses: result.runbook?.usedRulesFiles ?? [],
                 diagnostics: result.diagnostics.map(Finding.init))
        }
    }

    func json() throws -> String {
        try JSONText.encode(self)
    }
}
