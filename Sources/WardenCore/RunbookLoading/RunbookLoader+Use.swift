import Foundation
import Yams

/// `use:` — rules files (`rules: NAME`) whose parameters, targets, probes,
/// guards and watches join the file that uses them. Their guards protect
/// that file's own steps, so a guard set is written once and every runbook
/// that changes the cluster uses it instead of restating it.
///
/// ```yaml
/// use:
///   - rules/health.yaml                      # used as `health`: probes are health.<name>
///   - file: rules/health.yaml
///     as: strict
///     params: {min_fault_tolerance: 2}
///     targets: {admin: admin}                # its target `admin` is ours
/// ```
extension RunbookLoader {
    static let useKeys = ["file", "as", "params", "targets"]

    mutating func readUses(_ node: Node) {
        if YAMLNodeInspection.isNull(node) { return }
        guard case let .sequence(items) = node else {
            report("use must be a list of rules files, got \(YAMLNodeInspection.describe(node))", at: node,
                   hint: "use: [rules/health.yaml] or use: [{file: rules/health.yaml, as: health, params: {...}}]")
            return
        }
        var used: [String: SourceLocation] = [:]
        for item in items {
            var keys: [String: YAMLMapping.Entry] = [:]
            let fileNode: Node
            switch item {
            case .scalar:
                fileNode = item
            case .mapping:
                keys = knownEntries(of: item, allowed: RunbookLoader.useKeys, context: "in a use entry")
                guard let entry = keys["file"] else {
                    report("a use entry needs 'file' (the rules file, relative to this one)", at: item)
                    continue
                }
                fileNode = entry.value
            default:
                report("each use entry is a rules file's path or a mapping with 'file', got \(YAMLNodeInspection.describe(item))", at: item)
                continue
            }
            guard let relative = text(fileNode, key: "file") else { continue }
            guard let name = useName(relative, given: keys["as"], at: fileNode) else { continue }
            if let first = used[name] {
                report("two rules files are used as '\(name)' (the first at line \(first.line), column \(first.column))", at: keys["as"]?.value ?? fileNode,
                       hint: "give one another name with 'as'")
                continue
            }
            used[name] = location(of: keys["as"]?.value ?? fileNode)
            readUse(relative, name: name, keys: keys, at: fileNode)
        }
    }

    /// The name a rules file is used as: `as:`, else its file name without
    /// the extension (`rules/fdb-health.yaml` → `fdb_health`).
    private mutating func useName(_ relative: String, given: YAMLMapping.Entry?, at node: Node) -> String? {
        if let given { return identifier(given.value, kind: "use name") }
        let base = ((relative as NSString).lastPathComponent as NSString).deletingPathExtension
        let name = String(base.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
        guard let first = name.first, first.isLetter || first == "_", name.allSatisfy({ $0.isASCII }) else {
            report("'\(relative)' gives no usable name for its probes", at: node, hint: "name it with 'as: NAME' (letters, digits, _)")
            return nil
        }
        return name
    }

    private mutating func readUse(_ relative: String, name: String, keys: [String: YAMLMapping.Entry], at node: Node) {
        guard let (path, canonical, yaml) = readReferenced(relative, by: "use", at: node) else { return }
        let given = keys["params"].map { includeArguments($0.value) } ?? [:]
        let aliases = keys["targets"].map { targetAliases($0.value) } ?? [:]
        let prefix = scopePrefix + name + "."
        let firstTarget = targets.count, firstProbe = probes.count, firstStep = steps.count
        let childScope = scopes.count
        includeStack.append(canonical)
        let settings = readDocument(yaml, path: path, prefix: prefix, parent: scope, arguments: given.mapValues(\.argument),
                                    origin: .use(name: name), introducedAt: location(of: node))
        includeStack.removeLast()
        guard settings != nil, scopes.indices.contains(childScope), scopes[childScope].prefix == prefix else { return }
        checkArguments(given, against: scopes[childScope], at: keys["params"]?.value ?? node)
        applyAliases(aliases, prefix: prefix, parentPrefix: scopePrefix, firstTarget: firstTarget, firstProbe: firstProbe, firstStep: firstStep)
    }
}
