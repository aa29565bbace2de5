/// Finds the parameters a run's commands will read that have no value (an
/// optional parameter without a default that was not given). Checked when
/// the engine's context is made, before a plan or a run reaches any host:
/// otherwise a command reading it fails only when its step comes, after
/// the steps before it changed hosts, and a secret's `<secret>` in the plan
/// would hide that there is nothing behind it.
///
/// Commands are every step's command, `undo`, `verify`, deadman and
/// `collect` paths (cleanup's too) and every probe's command. A step whose
/// `when` reads the parameter is left out: it decides itself what to do
/// without a value (`when: params.token != null`).
enum UnboundParameters {
    /// One unbound parameter read by a command: where, and what to say.
    struct Read {
        let location: SourceLocation
        let message: String
        let hint: String
    }

    static func reads(in runbook: Runbook, values: [Int: [String: Value]]) -> [Read] {
        var found: [Read] = []
        var reported: Set<String> = []
        func check(_ templates: [Template], scope: Int, place: String) {
            for template in templates {
                for hole in template.holes {
                    for reference in hole.expression.references where reference.root == "params" {
                        guard let name = reference.member, values[scope]?[name] == .null,
                              reported.insert("\(scope).\(name)").inserted else { continue }
                        let spec = runbook.scopes.indices.contains(scope) ? runbook.scopes[scope].parameters.first { $0.name == name } : nil
                        let what = spec?.secret == true ? "an optional secret without a default" : "optional, without a default"
                        found.append(Read(
                            location: reference.location,
                            message: "\(place) reads params.\(name), which has no value (\(what)), so the run would fail there after the changes before it",
                            hint: scope == 0 ? Self.howToGive(name, secret: spec?.secret == true)
                                : "pass it to the include (params:), or give the included parameter a default"))
                    }
                }
            }
        }
        for step in runbook.allSteps {
            let decidesItself = step.when?.references.contains { $0.root == "params" && $0.member != nil
                && values[step.scope]?[$0.member ?? ""] == .null } ?? false
            if decidesItself { continue }
            var templates: [Template] = []
            if let command = step.command { templates.append(command) }
            if let undo = step.undo { templates.append(undo) }
            if let verify = step.verify { templates.append(verify.command) }
            if let revert = step.deadman?.command { templates.append(revert) }
            if case let .collect(collect) = step.kind { templates += collect.paths }
            check(templates, scope: step.scope, place: "step '\(step.id)'")
        }
        for probe in runbook.probes {
            check([probe.command], scope: probe.scope, place: "probe '\(probe.name)'")
        }
        return found
    }

    /// Where a missing value goes: a secret never on the command line.
    static func howToGive(_ name: String, secret: Bool) -> String {
        secret
            ? "give it in a --params FILE or in WARDEN_PARAM_\(name.uppercased()) (a secret is refused with -p: any user can read the command line)"
            : "give it with -p \(name)=VALUE or in a --params FILE"
    }
}
