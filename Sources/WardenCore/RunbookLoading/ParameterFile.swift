/// A params file (`--params file.yaml`): a YAML mapping of parameter names
/// to values, typed by YAML (`2000` is an int, `"2000"` text).
enum ParameterFile {
    public static func load(path: String) throws(LocatedError) -> [String: Value] {
        let text = try SourceText.read(path, kind: "params file")
        guard let root = try YAMLDocument.compose(text, file: path), !YAMLNodeInspection.isNull(root) else { return [:] }
        guard case .mapping = root else {
            throw LocatedError("a params file must be a mapping of parameter names to values, got \(YAMLNodeInspection.describe(root))",
                               at: YAMLDocument.location(of: root, file: path))
        }
        let (entries, problems) = YAMLMapping.entries(of: root, context: "in the params file", file: path)
        if let problem = problems.first { throw problem }
        var budget = Value.maximumNodeCount
        var values: [String: Value] = [:]
        for entry in entries {
            values[entry.name] = try Value(yaml: entry.value, file: path, budget: &budget)
        }
        return values
    }
}
