import Foundation
import Yams

/// `include:` — another runbook's steps, run in place with the parameters
/// the include step gives it.
extension RunbookLoader {
    mutating func readInclude(_ node: Node, id: String, keys: [String: YAMLMapping.Entry], at stepNode: Node) -> [Step] {
        guard let relative = text(node, key: "include"), let (path, canonical, yaml) = readReferenced(relative, by: "include", at: node) else {
            return []
        }
        let given = keys["params"].map { includeArguments($0.value) } ?? [:]
        let arguments = given.mapValues(\.argument)
        let aliases = keys["targets"].map { targetAliases($0.value) } ?? [:]

        let parentScope = scope
        let prefix = scopePrefix + id + "."
        let firstStep = steps.count
        let firstTarget = targets.count
        let firstProbe = probes.count
        // The included file's scope is the next one; those it includes in turn come after it.
        let childScope = scopes.count
        includeStack.append(canonical)
        let settings = readDocument(yaml, path: path, prefix: prefix, parent: parentScope, arguments: arguments, origin: .include(step: id),
                                    introducedAt: location(of: node))
        includeStack.removeLast()
        guard settings != nil, scopes.indices.contains(childScope), scopes[childScope].prefix == prefix else { return [] }

        checkArguments(given, against: scopes[childScope], at: keys["params"]?.value ?? stepNode)
        applyAliases(aliases, prefix: prefix, parentPrefix: scopePrefix, firstTarget: firstTarget, firstProbe: firstProbe, firstStep: firstStep)
        // The included steps were appended to `steps` by readDocument; hand
        // them back so they land in place of the include step.
        let included = Array(steps[firstStep...])
        steps.removeSubrange(firstStep...)
        return included
    }

    /// The file `relative` (to the file being read) names, its canonical
    /// path and its text; nil, reported, when it cannot be read or would
    /// take part in itself (`verb`: `include` or `use`).
    mutating func readReferenced(_ relative: String, by verb: String, at node: Node) -> (path: String, canonical: String, yaml: String)? {
        let directory = (file as NSString).deletingLastPathComponent
        let path = relative.hasPrefix("/") ? relative : (directory.isEmpty ? relative : directory + "/" + relative)
        let canonical = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        if includeStack.contains(canonical) {
            let chain = (includeStack + [canonical]).map { ($0 as NSString).lastPathComponent }.joined(separator: " -> ")
            if verb == "use" {
                report("using '\(relative)' here would make it part of itself", at: node, hint: "chain of includes and uses: \(chain)")
            } else {
                report("including '\(relative)' here would include it inside itself", at: node, hint: "include chain: \(chain)")
            }
            return nil
        }
        guard includeStack.count < RunbookLoader.maximumIncludeDepth else {
            report("includes and uses are nested more than \(RunbookLoader.maximumIncludeDepth) deep", at: node)
            return nil
        }
        do {
            let kind = verb == "use" ? "rules file" : "runbook"
            return (path, canonical, try SourceText.read(path, kind: kind))
        } catch {
            report(LocatedError("\(verb): \(error.message)", at: location(of: node), hint: error.hint))
            return nil
        }
    }

    /// An include argument with the YAML it was read from, so a complaint
    /// about it points at the key or value that has to change.
    struct GivenArgument {
        let argument: IncludeArgument
        let key: Node
        let value: Node
    }

    mutating func includeArguments(_ node: Node) -> [String: GivenArgument] {
        guard case .mapping = node else {
            report("params of an include or a use must be a mapping, got \(YAMLNodeInspection.describe(node))", at: node)
            return [:]
        }
        var result: [String: GivenArgument] = [:]
        for entry in entries(of: node, context: "in the include's params") {
            if case let .scalar(scalar) = entry.value, scalar.string.contains("{{") {
                guard let template = template(entry.value, key: "params.\(entry.name)") else { continue }
                let holes = template.holes
                let trimmed = scalar.string.trimmingCharacters(in: .whitespaces)
                // "{{ params.x }}" alone passes the value with its type; anything more is text.
                let argument: IncludeArgument
                if holes.count == 1, holes[0].form == .quoted, trimmed.hasPrefix("{{"), trimmed.hasSuffix("}}"),
                   trimmed.dropFirst(2).dropLast(2).contains("{{") == false {
                    argument = .expression(holes[0].expression)
                } else {
                    argument = .text(template)
                }
                result[entry.name] = GivenArgument(argument: argument, key: entry.key, value: entry.value)
                continue
            }
            if let value = literalValue(entry.value) {
                result[entry.name] = GivenArgument(argument: .literal(value), key: entry.key, value: entry.value)
            }
        }
        return result
    }

    mutating func targetAliases(_ node: Node) -> [String: TargetAlias] {
        guard case .mapping = node else {
            report("targets of an include must map the included runbook's target names to this runbook's, got \(YAMLNodeInspection.describe(node))", at: node)
            return [:]
        }
        var result: [String: TargetAlias] = [:]
        for entry in entries(of: node, context: "in the include's targets") {
            guard let parent = identifier(entry.value, kind: "target name") else { continue }
            result[entry.name] = TargetAlias(parent: parent, keyLocation: location(of: entry.key), parentLocation: location(of: entry.value))
        }
        return result
    }

    /// Every argument names a parameter of the included runbook, literal
    /// ones have its type, and every required parameter gets a value.
    mutating func checkArguments(_ arguments: [String: GivenArgument], against child: RunbookScope, at node: Node) {
        let names = child.parameters.map(\.name)
        for (name, given) in arguments.sorted(by: { $0.key < $1.key }) {
            guard let spec = child.parameter(named: name) else {
                report("\(child.origin.isRules ? "the rules file" : "the included runbook") has no parameter '\(name)'", at: given.key,
                       hint: NameSuggestion.hint(for: name, among: names) ?? "its parameters: \(names.isEmpty ? "none" : names.joined(separator: ", "))")
                continue
            }
            if case let .literal(value) = given.argument, case let .failure(problem) = spec.type.value(from: value) {
                report("parameter '\(name)' of \(child.origin.isRules ? "the rules file" : "the included runbook") must be \(problem.expectation), got \(YAMLNodeInspection.describe(given.value))",
                       at: given.value)
            }
        }
        for spec in child.parameters where spec.required && arguments[spec.name] == nil {
            report("\(child.origin.isRules ? "the rules file" : "the included runbook") requires parameter '\(spec.name)'", at: node, hint: "add it under the \(child.origin.isRules ? "use" : "include")'s params")
        }
    }

    /// Points the included runbook's targets named in `targets:` at this
    /// runbook's targets, and drops their own definitions.
    mutating func applyAliases(
        _ aliases: [String: TargetAlias], prefix: String, parentPrefix: String,
        firstTarget: Int, firstProbe: Int, firstStep: Int
    ) {
        guard !aliases.isEmpty else { return }
        var renamed: [String: String] = [:]
        let childTargets = targets[firstTarget...].map(\.name)
        // The including runbook's own targets, all read before its steps.
        let parentTargets = targets[..<firstTarget].filter { $0.scope == scope }.map { String($0.name.dropFirst(parentPrefix.count)) }
        for (child, alias) in aliases.sorted(by: { $0.key < $1.key }) {
            guard childTargets.contains(prefix + child) else {
                let names = childTargets.map { String($0.dropFirst(prefix.count)) }
                report("the included runbook has no target '\(child)'", at: alias.keyLocation,
                       hint: NameSuggestion.hint(for: child, among: names) ?? "its targets: \(names.isEmpty ? "none" : names.joined(separator: ", "))")
                continue
            }
            // Checked here, not later: once renamed, the included steps would
            // name a target their own file does not define, and the mistake
            // would be reported in the wrong file.
            guard parentTargets.contains(alias.parent) else {
                report("unknown target '\(alias.parent)'", at: alias.parentLocation,
                       hint: NameSuggestion.hint(for: alias.parent, among: parentTargets)
                           ?? (parentTargets.isEmpty ? "define it under 'targets'" : "targets: \(parentTargets.joined(separator: ", "))"))
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

/// An include's `targets:` entry: the included runbook's target (the key)
/// stands for the including runbook's `parent`.
struct TargetAlias {
    let parent: String
    let keyLocation: SourceLocation
    let parentLocation: SourceLocation
}
