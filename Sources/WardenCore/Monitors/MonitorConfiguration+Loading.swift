import Foundation
import Yams

extension MonitorConfiguration {
    static let keys = ["id", "rules", "inventory", "params", "every", "labels"]
    /// Labels the monitor sets itself; the config's `labels` may not change them.
    static let ownLabels: Set<String> = ["alertname", "rule", "monitor", "severity"]

    /// Reads a `monitors:` list, with every problem found; `folder` is where relative rules paths start.
    static func parse(_ node: Node, file: String, folder: String) -> (monitors: [MonitorConfiguration], problems: [LocatedError]) {
        var reader = YAMLFieldReader(file: file)
        guard case let .sequence(items) = node else {
            if YAMLNodeInspection.isNull(node) { return ([], []) }
            reader.problem("monitors must be a list of monitors {id, rules, inventory, params, every, labels}, got \(YAMLNodeInspection.describe(node))", at: node)
            return ([], reader.problems)
        }
        var monitors: [MonitorConfiguration] = []
        var ids: [String: SourceLocation] = [:]
        for item in items {
            let fields = reader.keyed(item, named: "a monitor", among: keys)
            guard let idEntry = fields["id"], let rulesEntry = fields["rules"], let inventoryEntry = fields["inventory"] else {
                reader.problem("a monitor needs 'id', 'rules' (a rules file with monitor rules) and 'inventory'", at: item)
                continue
            }
            guard let id = reader.name(idEntry.value, named: "monitor id") else { continue }
            let what = "monitor '\(id)'"
            if let first = ids[id] {
                reader.problem("duplicate monitor id '\(id)' (first at line \(first.line), column \(first.column))", at: idEntry.value)
                continue
            }
            ids[id] = reader.at(idEntry.value)
            guard let rules = reader.text(rulesEntry.value, named: "\(what): rules"),
                  let inventory = reader.text(inventoryEntry.value, named: "\(what): inventory") else { continue }
            var every = Duration.seconds(60)
            if let entry = fields["every"], let given = reader.duration(entry.value, named: "\(what): every") {
                guard given >= .seconds(1) else {
                    reader.problem("\(what): every must be at least 1s, got \(DurationText.format(given))", at: entry.value)
                    continue
                }
                every = given
            }
            let params = fields["params"].map { reader.scalars($0.value, named: "\(what): params") } ?? [:]
            var labels = fields["labels"].map { reader.scalars($0.value, named: "\(what): labels") } ?? [:]
            for name in labels.keys.sorted() where ownLabels.contains(name) {
                reader.problem("\(what): label '\(name)' is the monitor's own (alertname, rule, monitor, severity)", at: fields["labels"]?.value ?? item)
                labels[name] = nil
            }
            let path = rules.hasPrefix("/") ? rules : (folder as NSString).appendingPathComponent(rules)
            monitors.append(MonitorConfiguration(id: id, rules: path, inventory: inventory, params: params, every: every, labels: labels,
                                                 location: reader.at(item)))
        }
        return (monitors, reader.problems)
    }
}

extension YAMLFieldReader {
    /// A mapping of names to single values, as text (`params`, `labels`).
    mutating func scalars(_ node: Node, named name: String) -> [String: String] {
        guard case .mapping = node else {
            if !YAMLNodeInspection.isNull(node) {
                problem("\(name) must be a mapping of names to values, got \(YAMLNodeInspection.describe(node))", at: node)
            }
            return [:]
        }
        let found = YAMLMapping.entries(of: node, context: "in \(name)", file: file)
        problems += found.problems
        var values: [String: String] = [:]
        for item in found.entries {
            guard case let .scalar(scalar) = item.value else {
                problem("\(name).\(item.name) must be a single value, got \(YAMLNodeInspection.describe(item.value))", at: item.value)
                continue
            }
            values[item.name] = scalar.string
        }
        return values
    }
}
