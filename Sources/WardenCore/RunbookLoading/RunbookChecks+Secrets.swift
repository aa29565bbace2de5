/// Where secrets may go in a template: `secret_file` only where a command
/// runs while its files exist, and a warning for every secret parameter
/// rendered straight into a command line, which every account on the host
/// can read in the process list while the command runs.
extension RunbookChecks {
    mutating func checkSecrets(in template: Template, context: ExpressionContext, scope: Int) {
        for hole in template.holes {
            if hole.form == .secretFile {
                if !context.secretFiles {
                    error("'{{ secret_file \(hole.expression.description) }}' in \(context.place): "
                              + (context.commandLine ? "a deadman's revert runs after the step's secret files are removed"
                                                     : "secret files are only made for commands"),
                          at: hole.expression.location,
                          hint: context.commandLine ? "revert without the secret, or with a file the revert finds on the host itself"
                                                    : "use it in a run, check, undo, verify or probe command")
                }
                continue
            }
            guard context.commandLine, let secret = secretParameter(readBy: hole.expression, scope: scope) else { continue }
            let hint = context.secretFiles
                ? "hand it over as a file, never on a command line: {{ secret_file params.\(secret) }} is the path of a private "
                    + "file holding it, e.g. --password-file={{ secret_file params.\(secret) }}, or "
                    + "PGPASSWORD=\"$(cat {{ secret_file params.\(secret) }})\" psql ... for a tool that reads only its environment"
                : "a deadman's revert cannot take secret files: revert without the secret"
            warning("secret parameter '\(secret)' is rendered into \(context.place): every account on the host can read "
                        + "it in the process list (ps, /proc/PID/cmdline) while the command runs",
                    at: hole.expression.location, hint: hint)
        }
    }

    /// The first secret parameter an expression reads, as the scope names it:
    /// one declared `secret: true`, or one an `include` fills from a secret of
    /// the including runbook (its value is the same secret).
    private func secretParameter(readBy expression: Expression, scope: Int) -> String? {
        for reference in expression.references where reference.root == "params" {
            if let member = reference.member, isSecret(member, scope: scope) { return member }
        }
        return nil
    }

    private func isSecret(_ name: String, scope: Int) -> Bool {
        guard runbook.scopes.indices.contains(scope) else { return false }
        let definition = runbook.scopes[scope]
        if definition.parameter(named: name)?.secret == true { return true }
        guard let parent = definition.parent, parent != scope, let argument = definition.arguments[name] else { return false }
        let expressions: [Expression]
        switch argument {
        case .literal: expressions = []
        case let .expression(expression): expressions = [expression]
        case let .text(template): expressions = template.holes.map(\.expression)
        }
        return expressions.contains { secretParameter(readBy: $0, scope: parent) != nil }
    }
}
