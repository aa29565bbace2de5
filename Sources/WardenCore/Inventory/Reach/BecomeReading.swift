import Yams

/// Reads a `become:` value, written the same in an inventory and on a
/// runbook step: `{method: sudo, user: NAME, password: PARAM}`, a bare user
/// name (sudo), or `false`. Each loader reports the problems its own way.
enum BecomeReading {
    struct Problem {
        let message: String
        let node: Node
        let hint: String?
    }

    /// `passwordAllowed`: a step may name a secret parameter; an inventory may
    /// not (it has no parameters, and a password written there would be
    /// committed with it).
    static func read(_ node: Node, passwordAllowed: Bool) -> (BecomeSetting?, [Problem]) {
        var problems: [Problem] = []
        if let flag = YAMLNodeInspection.bool(node) {
            if flag { return (nil, [Problem(message: "become: true does not say whom to become", node: node, hint: "write become: {method: sudo, user: pegasus}")]) }
            return (.loginUser, [])
        }
        if case .scalar = node {
            if let user = user(node, &problems) { return (.become(BecomeSpec(user: user)), problems) }
            return (nil, problems)
        }
        guard case let .mapping(mapping) = node else {
            return (nil, [Problem(message: "become must be {method: sudo, user: NAME} or false, got \(YAMLNodeInspection.describe(node))", node: node, hint: nil)])
        }
        var method = BecomeSpec.Method.sudo
        var name: String?
        var password: String?
        let keys = passwordAllowed ? ["method", "user", "password"] : ["method", "user"]
        for (key, value) in mapping {
            let keyName = key.string ?? ""
            switch keyName {
            case "method":
                guard let text = value.scalar?.string, let known = BecomeSpec.Method(rawValue: text) else {
                    problems.append(Problem(message: "become.method must be sudo, got \(YAMLNodeInspection.describe(value))", node: value,
                                            hint: value.scalar.flatMap { NameSuggestion.hint(for: $0.string, among: BecomeSpec.Method.allCases.map(\.rawValue)) }))
                    continue
                }
                method = known
            case "user":
                name = user(value, &problems)
            case "password" where passwordAllowed:
                guard let text = value.scalar?.string, RunbookLoader.identifierProblem(text, kind: "parameter") == nil else {
                    problems.append(Problem(message: "become.password must name a secret parameter of the runbook, got \(YAMLNodeInspection.describe(value))", node: value,
                                            hint: "e.g. password: sudo_password, with sudo_password declared as {type: string, secret: true}"))
                    continue
                }
                password = text
            case "password":
                problems.append(Problem(message: "a sudo password never goes in the inventory", node: key,
                                        hint: "declare a secret parameter in the runbook and name it on the step: become: {user: pegasus, password: sudo_password}"))
            default:
                problems.append(Problem(message: "unknown key '\(keyName)' in become", node: key,
                                        hint: NameSuggestion.hint(for: keyName, among: keys) ?? "become has \(keys.map { "'\($0)'" }.joined(separator: ", "))"))
            }
        }
        guard let name else {
            if problems.isEmpty { problems.append(Problem(message: "become needs 'user': the account commands run as", node: node, hint: nil)) }
            return (nil, problems)
        }
        return (problems.isEmpty ? .become(BecomeSpec(method: method, user: name, passwordParameter: password)) : nil, problems)
    }

    private static func user(_ node: Node, _ problems: inout [Problem]) -> String? {
        guard let name = node.scalar?.string, !YAMLNodeInspection.isNull(node), BecomeSpec.isValidUser(name) else {
            problems.append(Problem(message: "become.user must be a plain user name (letters, digits, '.', '_', '-'; not starting with '-'), got \(YAMLNodeInspection.describe(node))",
                                    node: node, hint: nil))
            return nil
        }
        return name
    }
}
