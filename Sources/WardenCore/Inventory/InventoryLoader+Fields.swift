import Yams

/// Readers for single values. Each returns nil after reporting when the
/// value is unusable, so reading goes on and finds the next problem too.
extension InventoryLoader {
    /// A non-empty string without spaces (user names, addresses). Numbers
    /// and booleans are taken as written: `user: 1000` means the text "1000".
    mutating func word(_ node: Node, key: String) -> String? {
        guard case let .scalar(scalar) = node, !YAMLNodeInspection.isNull(node) else {
            // A bare ~ is YAML for null, which surprises anyone meaning "home".
            let isTilde = node.scalar?.string == "~"
            report(
                "\(key) must be a string, got \(YAMLNodeInspection.describe(node))", at: node,
                hint: isTilde ? "quote it ('~') to mean the home folder" : nil)
            return nil
        }
        let text = scalar.string
        guard !text.isEmpty else {
            report("\(key) must not be empty", at: node)
            return nil
        }
        guard !text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }) else {
            report("\(key) must not contain spaces, got '\(text)'", at: node)
            return nil
        }
        return text
    }

    mutating func port(_ node: Node) -> Int? {
        // Only a YAML integer: a quoted "22" is a string and likely a mistake
        // elsewhere too, so it is rejected rather than guessed at.
        if let number = YAMLNodeInspection.integer(node, in: 1...65535) { return number }
        report("port must be an integer 1...65535, got \(YAMLNodeInspection.describe(node))", at: node)
        return nil
    }

    mutating func bool(_ node: Node, key: String) -> Bool? {
        if let flag = YAMLNodeInspection.bool(node) { return flag }
        report("\(key) must be true or false, got \(YAMLNodeInspection.describe(node))", at: node)
        return nil
    }

    mutating func path(_ node: Node, key: String) -> String? {
        guard let text = word(node, key: key) else { return nil }
        do {
            return try paths.resolve(text)
        } catch {
            report(LocatedError("\(key): \(error.message)", at: location(of: node), hint: error.hint))
            return nil
        }
    }

    /// `host_state_dir`: a folder on the host, so it is not resolved against
    /// the inventory's folder. Absolute, or `~/...` for the login user's home;
    /// no `.` or `..` components (the host checks every folder on the way).
    mutating func hostStateDir(_ node: Node) -> String? {
        guard let text = word(node, key: "host_state_dir") else { return nil }
        guard text.hasPrefix("/") || text.hasPrefix("~/") else {
            report("host_state_dir must be an absolute path on the host or start with '~/', got '\(text)'", at: node,
                   hint: "for example /var/lib/warden, or '~/.local/state/warden' (quoted)")
            return nil
        }
        let components = text.split(separator: "/")
        guard !components.contains(where: { $0 == "." || $0 == ".." }), components.count > (text.hasPrefix("~/") ? 1 : 0) else {
            report("host_state_dir must name a folder without '.' or '..' components, got '\(text)'", at: node)
            return nil
        }
        return text
    }

    mutating func timeout(_ node: Node) -> Duration? {
        guard case let .scalar(scalar) = node, !YAMLNodeInspection.isNull(node) else {
            report("connect_timeout must be a duration like '10s', got \(YAMLNodeInspection.describe(node))", at: node)
            return nil
        }
        do {
            let duration = try DurationText.parse(scalar.string)
            guard duration > .zero else {
                report("connect_timeout must be more than zero, got '\(scalar.string)'", at: node)
                return nil
            }
            return duration
        } catch {
            report(LocatedError("connect_timeout: \(error.message)", at: location(of: node), hint: error.hint))
            return nil
        }
    }

    /// The NAME of an environment variable; checked so that a passphrase
    /// pasted here by mistake is refused (and not echoed back).
    mutating func environmentName(_ node: Node) -> String? {
        if case let .scalar(scalar) = node, !YAMLNodeInspection.isNull(node) {
            let text = scalar.string
            let scalars = Array(text.unicodeScalars)
            let isName = !scalars.isEmpty
                && scalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
                && !("0"..."9").contains(scalars[0])
            if isName { return text }
        }
        report(
            "passphrase_env must be the name of an environment variable (letters, digits and '_', not starting with a digit)",
            at: node, hint: "put the passphrase in that variable, never in the inventory")
        return nil
    }

    /// An OpenSSH SHA256 fingerprint: 32 bytes of base64 without padding.
    mutating func fingerprint(_ node: Node) -> String? {
        if case let .scalar(scalar) = node, !YAMLNodeInspection.isNull(node) {
            let text = scalar.string
            if text.hasPrefix("SHA256:") {
                let body = text.unicodeScalars.dropFirst("SHA256:".unicodeScalars.count)
                let isBase64 = body.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "+" || $0 == "/") }
                if body.count == 43, isBase64 { return text }
            }
        }
        report(
            "host_key must be 'SHA256:' followed by 43 base64 characters, got \(YAMLNodeInspection.describe(node))",
            at: node, hint: "'ssh-keyscan HOST | ssh-keygen -lf -' prints it")
        return nil
    }

    /// Host or group names: one name, or a list of them.
    mutating func names(_ node: Node, key: String, kind: String, context: String) -> [NameReference] {
        let items: [Node]
        switch node {
        case .scalar where YAMLNodeInspection.isNull(node):
            return []
        case .scalar:
            items = [node]
        case let .sequence(sequence):
            items = Array(sequence)
        default:
            report("\(key) must be a \(kind) name or a list of them, got \(YAMLNodeInspection.describe(node))", at: node)
            return []
        }
        var result: [NameReference] = []
        for item in items {
            guard case let .scalar(scalar) = item, !YAMLNodeInspection.isNull(item) else {
                report("each entry of \(key) must be a \(kind) name, got \(YAMLNodeInspection.describe(item))", at: item)
                continue
            }
            if let problem = InventoryLoader.nameProblem(scalar.string, kind: kind) {
                report("\(problem) (\(key) \(context))", at: item)
                continue
            }
            let reference = NameReference(name: scalar.string, location: location(of: item))
            if !result.contains(where: { $0.name == reference.name }) {
                result.append(reference)
            }
        }
        return result
    }

    mutating func vars(_ node: Node) -> [String: Value] {
        if YAMLNodeInspection.isNull(node) { return [:] }
        guard case .mapping = node else {
            report("vars must be a mapping, got \(YAMLNodeInspection.describe(node))", at: node)
            return [:]
        }
        do {
            guard case let .map(entries) = try Value(yaml: node, file: file, budget: &valueBudget) else { return [:] }
            return entries
        } catch {
            report(error)
            return [:]
        }
    }
}
