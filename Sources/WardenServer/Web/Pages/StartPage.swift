import Foundation
import Hummingbird
import WardenCore

/// `GET /start` and `POST /start`: starting a runbook from a form made from
/// its typed parameters. Pick a runbook and an inventory; the form shows
/// each parameter's doc text and default, enums as choices, durations
/// checked, secrets as password fields whose values are never sent back to
/// the browser nor kept (an operator types them again to start). **Plan**
/// shows the dry run on the hosts' real state; **Start** sends the plan
/// hash the page showed, and the daemon refuses to start when a fresh plan
/// differs, showing the new plan instead. Both go through the API's path
/// (`RunDispatcher.plan`, `.start`), so the rules are the same.
enum StartPage {
    static func register(on router: Router<WardenRequestContext>, services: ServeServices) {
        router.get("start") { request, context -> Response in
            try await WebGate.page(request, context, services, needs: .plan) { visitor in
                let query = WebForm.query(request)
                let form = Form(runbook: query["runbook"] ?? "", inventory: query["inventory"] ?? "",
                                texts: [:], limit: "")
                return await page(visitor, form: form, services: services)
            }
        }
        router.post("start") { request, context -> Response in
            try await WebGate.post(request, context, services, needs: .plan) { visitor, fields in
                var form = Form(fields)
                let starting = fields["action"] == "start"
                if starting, !visitor.session.identity.may(.startRun) { return WebGate.forbidden(visitor, .startRun) }
                guard let runbook = await services.state.catalog[form.runbook],
                      let path = await services.state.configuration.inventories[form.inventory] else {
                    form.problem = "Pick a runbook and an inventory of this daemon."
                    return await page(visitor, form: form, services: services, status: .unprocessableContent)
                }
                let (values, problems) = form.values(for: runbook)
                guard problems.isEmpty else {
                    form.fieldProblems = problems
                    form.problem = "Some parameters are not right: " + problems.keys.sorted().map { "'\($0)' \(problems[$0] ?? "")" }.joined(separator: "; ") + "."
                    return await page(visitor, form: form, services: services, status: .unprocessableContent)
                }
                let identity = await services.runIdentity(visitor.session.identity)
                let limit = form.limit.trimmingCharacters(in: .whitespaces)
                let request = RunRequest(runbook: runbook, inventoryName: form.inventory, inventoryPath: path, values: values,
                                         limit: limit.isEmpty ? nil : limit, planHash: starting ? fields["plan_hash"] : nil, identity: identity)
                do throws(AdmissionError) {
                    if starting {
                        guard request.planHash?.isEmpty == false else {
                            form.problem = "Plan first: Start sends the hash of the plan you saw."
                            return await page(visitor, form: form, services: services, status: .unprocessableContent)
                        }
                        let started = try await services.dispatcher.start(request)
                        context.logger.info("run started from the web UI", metadata: ["run": "\(started.runID)", "runbook": "\(runbook.name)"])
                        return WebPage.redirect(WebLink.run(started.runID))
                    }
                    form.plan = try await services.dispatcher.plan(request)
                    return await page(visitor, form: form, services: services)
                } catch {
                    let answer = APIError(error)
                    form.plan = error.plan
                    form.problem = error.kind == .planChanged
                        ? "The plan changed since the page showed it, so nothing started. Here is the new plan: read it, then Start again."
                        : "Not started: \(answer.message)"
                    return await page(visitor, form: form, services: services, status: answer.status)
                }
            }
        }
    }

    /// What the operator filled in (secrets included, for this request only: they are never rendered back).
    struct Form {
        var runbook: String
        var inventory: String
        /// Field `param.NAME` of each parameter, as typed.
        var texts: [String: String]
        var limit: String
        var plan: Plan?
        var problem: String?
        var fieldProblems: [String: String] = [:]

        init(runbook: String, inventory: String, texts: [String: String], limit: String) {
            self.runbook = runbook
            self.inventory = inventory
            self.texts = texts
            self.limit = limit
        }

        init(_ fields: WebForm) {
            var texts: [String: String] = [:]
            for (name, value) in fields.fields where name.hasPrefix("param.") { texts[String(name.dropFirst("param.".count))] = value }
            self.init(runbook: fields["runbook"] ?? "", inventory: fields["inventory"] ?? "", texts: texts, limit: fields["limit"] ?? "")
        }

        /// The typed values of the runbook's parameters; an empty field means "not given" (the default applies).
        func values(for runbook: Runbook) -> ([String: Value], [String: String]) {
            var values: [String: Value] = [:]
            var problems: [String: String] = [:]
            for spec in runbook.parameters {
                guard let text = texts[spec.name], !(spec.secret ? text.isEmpty : text.trimmingCharacters(in: .whitespaces).isEmpty) else {
                    if spec.required { problems[spec.name] = "is required" }
                    continue
                }
                switch spec.type.value(fromText: spec.secret ? text : text.trimmingCharacters(in: .whitespaces)) {
                case let .success(value): values[spec.name] = value
                case let .failure(problem): problems[spec.name] = problem.description
                }
            }
            return (values, problems)
        }
    }

    private static func page(_ visitor: WebVisitor, form: Form, services: ServeServices, status: HTTPResponse.Status = .ok) async -> Response {
        let catalog = await services.state.catalog
        let inventories = await services.state.configuration.inventories.keys.sorted()
        var values: [String: Any] = [
            "runbooks": catalog.names.map { name in ["name": name, "selected": name == form.runbook, "summary": catalog[name]?.summary ?? ""] as [String: Any] },
            "inventories": inventories.map { ["name": $0, "selected": $0 == form.inventory] as [String: Any] },
            "limit": form.limit,
            "mayStart": visitor.session.identity.may(.startRun),
        ]
        if let problem = form.problem { values["problem"] = problem }
        if let runbook = catalog[form.runbook] {
            let description = RunbookDescription(runbook)
            var chosen: [String: Any] = ["name": runbook.name, "gated": description.gated, "mutating": description.mutating]
            if let summary = runbook.summary, !summary.isEmpty { chosen["summary"] = summary }
            values["runbook"] = chosen
            values["parameters"] = description.parameters.map { field($0, form: form) }
            values["hasParameters"] = !description.parameters.isEmpty
        }
        if let plan = form.plan {
            values["plan"] = PlanValues.values(plan)
        }
        return WebPage.page(visitor, "start", title: "Start a runbook", values, section: "/start", status: status)
    }

    /// One parameter's form control: its kind of input from its type, its value as typed (or its default), never a secret's value.
    private static func field(_ parameter: RunbookDescription.Parameter, form: Form) -> [String: Any] {
        let typed = form.texts[parameter.name]
        let shown = parameter.secret ? "" : (typed ?? parameter.defaultValue.map(Self.text) ?? "")
        var values: [String: Any] = [
            "name": parameter.name, "id": "param-" + WebLink.segment(parameter.name), "type": parameter.type, "value": shown,
            "required": parameter.required && parameter.defaultValue == nil,
            "secret": parameter.secret,
            "isEnum": parameter.values != nil,
            "isBool": parameter.type == "bool",
            "isInt": parameter.type == "int", "isNumber": parameter.type == "number", "isDuration": parameter.type == "duration",
            "isText": parameter.values == nil && !["bool", "int", "number", "duration"].contains(parameter.type) && !parameter.secret,
            "choices": (parameter.values ?? []).map { ["value": $0, "selected": $0 == shown] as [String: Any] },
            "boolChoices": ["true", "false"].map { ["value": $0, "selected": $0 == shown] as [String: Any] },
        ]
        if let doc = parameter.doc { values["doc"] = doc }
        if let defaultValue = parameter.defaultValue { values["default"] = text(defaultValue) }
        if parameter.type == "list" { values["hint"] = "comma-separated" }
        // Keys a field lacks are looked up in the page around it by the template: a field's own problem has its own name.
        if let problem = form.fieldProblems[parameter.name] { values["fieldProblem"] = problem }
        return values
    }

    /// A value as a form field holds it: a list comma-separated, a duration as `5s`.
    static func text(_ value: Value) -> String {
        if case let .list(items) = value { return items.map(\.description).joined(separator: ", ") }
        return value.description
    }
}
