/// The group graph formed by `children`: cycles, depths, and ancestors,
/// all worked out without recursion so that long chains cannot exhaust
/// the stack.
extension InventoryLoader {
    /// Each cycle through `children` once, at the child reference that
    /// closes it. Depth-first with an explicit stack.
    mutating func reportCycles(_ groups: [GroupDefinition]) {
        let children = Dictionary(groups.map { ($0.name, $0.children) }, uniquingKeysWith: { first, _ in first })
        enum VisitState { case visiting, done }
        var marks: [String: VisitState] = [:]
        var cycles: [LocatedError] = []

        for start in groups.map(\.name) where marks[start] == nil {
            var stack: [(name: String, next: Int)] = [(start, 0)]
            marks[start] = .visiting
            while let top = stack.last {
                let edges = children[top.name] ?? []
                guard top.next < edges.count else {
                    marks[top.name] = .done
                    stack.removeLast()
                    continue
                }
                stack[stack.count - 1].next += 1
                let child = edges[top.next]
                switch marks[child.name] {
                case .visiting:
                    var path = Array(stack.map(\.name).drop { $0 != child.name } + [child.name])
                    if path.count > 10 {
                        // A generated inventory can close a cycle of thousands.
                        path = path.prefix(5) + ["..."] + path.suffix(4)
                    }
                    cycles.append(LocatedError(
                        "group cycle through children: \(path.joined(separator: " -> "))", at: child.location))
                case .done:
                    continue
                case nil:
                    marks[child.name] = .visiting
                    stack.append((child.name, 0))
                }
            }
        }
        for cycle in cycles {
            report(cycle)
        }
    }

    /// A group's depth: 0 without parents, else one more than its deepest
    /// parent, so parents' vars come before their children's. Only called
    /// once cycles are ruled out; worked out parents first (Kahn's order).
    func depthOfGroups(_ names: Set<String>, parents: [String: [String]]) -> [String: Int] {
        var children: [String: [String]] = [:]
        var waitingParents: [String: Int] = [:]
        for name in names {
            let ownParents = Set(parents[name] ?? [])
            waitingParents[name] = ownParents.count
            for parent in ownParents {
                children[parent, default: []].append(name)
            }
        }
        var depths: [String: Int] = [:]
        var ready = names.filter { waitingParents[$0] == 0 }.sorted()
        for name in ready { depths[name] = 0 }
        while let name = ready.popLast() {
            let depth = depths[name] ?? 0
            for child in children[name] ?? [] {
                depths[child] = max(depths[child] ?? 0, depth + 1)
                waitingParents[child, default: 1] -= 1
                if waitingParents[child] == 0 {
                    ready.append(child)
                }
            }
        }
        return depths
    }

    /// The groups plus every group that has one of them as a descendant.
    func ancestors(of groups: Set<String>, parents: [String: [String]]) -> Set<String> {
        var result = groups
        var pending = Array(groups)
        while let group = pending.popLast() {
            for parent in parents[group] ?? [] where !result.contains(parent) {
                result.insert(parent)
                pending.append(parent)
            }
        }
        return result
    }
}
