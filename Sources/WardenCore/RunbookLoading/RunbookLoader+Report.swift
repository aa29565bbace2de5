import Yams

/// `report: {name, markdown, json}` — a report the run writes into its artifact folder.
extension RunbookLoader {
    mutating func readReport(_ node: Node) -> ReportSpec? {
        let example = "e.g. report: {name: intake, markdown: \"# {{ params.table }}\", json: \"steps.figures.result\"}"
        guard case .mapping = node else {
            report("report must be a mapping with 'name' and 'markdown' and/or 'json', got \(YAMLNodeInspection.describe(node))", at: node, hint: example)
            return nil
        }
        let keys = knownEntries(of: node, allowed: ["name", "markdown", "json"], context: "in report")
        guard let nameEntry = keys["name"] else {
            report("report needs 'name': its files are <name>.md and <name>.json in the run's artifact folder", at: node, hint: example)
            return nil
        }
        guard let name = template(nameEntry.value, key: "report.name") else { return nil }
        // A name with holes is checked when it is rendered, before anything is written.
        guard !name.isLiteral || ReportSpec.isFileName(name.text) else {
            report("report name '\(name.text)' must be a file name: letters, digits, '-', '_' and '.', not starting with '.'", at: nameEntry.value)
            return nil
        }
        let markdown = keys["markdown"].flatMap { template($0.value, key: "report.markdown") }
        let json = keys["json"].flatMap { expression($0.value, key: "report.json") }
        if keys["markdown"] == nil, keys["json"] == nil {
            report("report needs 'markdown' or 'json' (or both): what to write", at: node, hint: example)
            return nil
        }
        guard keys["markdown"] == nil || markdown != nil, keys["json"] == nil || json != nil else { return nil }
        return ReportSpec(name: name, markdown: markdown, json: json, location: location(of: node))
    }
}
