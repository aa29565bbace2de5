import Foundation
import Yams

/// `include:` — another runbook's steps, run in place with the parameters
/// the include step gives it.
extension RunbookLoader {
    mutating func readInclude(_ node: Node, id: String, keys: [String: YAMLMapping.Entry], at stepNode: Node) -> [Step] {
        guard let relative = text(node, key: "include") else { return [] }
        let directory = (file as NSString).deletingLastPathComponent
        let path = relative.hasPrefix("/") ? relative : (directory.isEmpty ? relative : directory + "/" + relative)
        let canonical = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        if includeStack.contains(canonical) {
            let chain = (includeStack + [canonical]).map { ($0 as NSString).lastPathComponent }.joined(separator: " -> ")
            report("including '\(relative)' here would include it inside itself", at: node, hint: "include chain: \(chain)")
            return []
        }
        guard includeStack.count < RunbookLoader.maximumIncludeDepth else {
            report("includes are nested more than \(RunbookLoader.maximumIncludeDepth) deep", at: node)
            return []
        }
        let yaml: String
        do {
            yaml = try SourceText.read(path, kind: "runbook")
        } catch {
            report(LocatedError("include: \(error.message)", at: location(of: node), hint: error.hint))
            return []
        }
        let arguments = keys["params"].map { includeArguments($0.value) } ?? [:]
        let aliases = keys["targets"].map { targetAliases($0.value) } ?? [:]

        let parentScope = scope
        let prefix = scopePrefix + id + "."
        let firstStep = steps.count
        let firstTarget = targets.count
        let firstProbe = probes.count
        includeStack.append(canonical)
        let settings = readDocument(yaml, path: path, prefix: prefix, parent: parentScope, arguments: arguments, includeStep: id)
        includeStack.removeLast()
        guard settings != nil, let childScope = scopes.indices.last, scopes[childScope].prefix == prefix else { return [] }

        checkArguments(arguments, against: scopes[childScope], at: keys["params"]?.value ?? stepNode)
        applyAliases(aliases, prefix: prefix, parentPrefix: scopePrefix, firstTarget: firstTarget, firstProbe: firstProbe, firstStep: firstStep)
        // The included steps were appended to `steps` by readDocument; hand
        // them back so they land in place of the include step.
        let included = Array(steps[firstStep...])
        steps.removeSubrange(firstStep...)
        return included
    }

    private mutating func includeArguments(_ node: Node) -> [String: IncludeArgument] {
        guard case .mapping = node else {
            report("params of an include must be a mapping, got \(YAMLNodeInspection.describe(node))", at: node)
            return [:]
        }
        var result: [String: IncludeArgument] = [:]
        for entry in entries(of: node, context: "in the include's params") {
            if case let .scalar(scalar) = entry.value, scalar.string.contains("{{") {
                guard let template = template(entry.value, key: "params.\(entry.name)") else { continue }
                let holes = template.holes
                let trimmed = scalar.string.trimmingCharacters(in: .whitespaces)
                // "{{ params.x }}" alone passes the value with its type; anything more is text.
                if holes.count == 1, !holes[0].raw, trimmed.hasPrefix("{{"), trimmed.hasSuffix("}}"),
                   trimmed.dropFirst(2).dropLast(2).contains("{{") == false {
                    result[entry.name] = .expression(holes[0].expression)
                } else {
                    result[entry.name] = .text(template)
                }
                continue
            }
            do {
                result[entry.name] = .literal(try Value(yaml: entry.value, file: file, budget: &valueBudget))
            } catch {
                report(error)
            }
        }
        return result
    }

    private mutating func targetAliases(_ node: Node) -> [String: (parent: String, location: SourceLocation)] {
        guard case .mapping = node else {
            report("targets of an include must map the included runbook's target names to this runbook's, got \(YAMLNodeInspection.describe(node))", at: node)
            return [:]
        }
        var result: [String: (parent: String, location: SourceLocation)] = [:]
        for entry in entries(of: node, context: "in the include's targets") {
            guard let parent = identifier(entry.value, kind: "target name") else { continue }
            result[entry.name] = (parent, location(of: entry.key))
        }
        return result
    }

    /// Every argument names a parameter of the included runbook, literal
    /// ones have its type, and every required parameter gets a value.
    private mutating func checkArguments(_ arguments: [String: IncludeArgument], against child: RunbookScope, at node: Node) {
        let names = child.parameters.map(\.name)
        for (name, argument) in arguments.sorted(by: { $0.key < $1.key }) {
            guard let spec = child.parameter(named: name) else {
                report("the included runbook has no parameter '\(name)'", at: node,
                       hint: NameSuggestion.hint(for: name, among: names) ?? "its parameters: \(names.isEmpty ? "none" : names.joined(separator: ", "))")
                continue
            }
            if case let .literal(value) = argument, case let .failure(problem) = spec.type.value(from: value) {
                report("parameter '\(name)' of the included runbook must be \(problem.expectation)", at: node)
            }
        }
        for spec in child.parameters where spec.required && arguments[spec.name] == nil {
            report("the included runbook requires parameter '\(spec.name)'", at: node, hint: "add it under the include's params")
        }
    }

    /// Points the included runbook's targets named in `targets:` at this
    /// runbook's targets, and drops their own definitions.
    private mutating func applyAliases(
        _ aliases: [String: (parent: String, location: SourceLocation)], prefix: String, parentPrefix: String,
        firstTarget: Int, firstProbe: Int, firstStep: Int
    ) {
        guard !aliases.isEmpty else { return }
        var renamed: [String: String] = [:]
        let childTargets = targets[firstTarget...].map(\.name)
        for (child, alias) in aliases.sorted(by: { $0.key < $1.key }) {
            guard childTargets.contains(prefix + child) else {
                report("the included runbook has no target '\(child)'", at: alias.location,
                       hint: NameSuggestion.hint(for: child, among: childTargets.map { String($0.dropFirst(prefix.count)) }))
                continue
            }
            renamed[prefix + child] = parentPrefix + alias.parent
        }
        targets.removeAll { renamed[$0.name] != nil }
        for index in probes.indices[firstProbe...] {
            if let name = renamed[probes[index].target] { probes[index].target = name }
        }
        for index in steps.indices[firstStep...] {
            if let target = steps[index].target, let name = renamed[target] { steps[index].target = name }
        }
        for scopeIndex in cleanup.indices {
            for index in cleanup[scopeIndex].indices {
                if let target = cleanup[scopeIndex][index].target, let name = renamed[target] {
                    cleanup[scopeIndex][index].target = name
                }
            }
        }
    }
}
