#!/usr/bin/env python3
# scripts/lib/openapi.py: writes the OpenAPI 3.1 document of `warden serve` to standard output.
# The document is Sources/WardenServer/OpenAPI/openapi.json (served at /api/v1/openapi.json);
# edit this file, then: python3 scripts/lib/openapi.py > Sources/WardenServer/OpenAPI/openapi.json
# (scripts/api-fuzz fails when the two differ).
import json
S=lambda t,**k: dict(type=t,**k)
ref=lambda n: {"$ref": f"#/components/schemas/{n}"}
nullable=lambda t: {"type":[t,"null"]}
def obj(props, required=(), extra=False):
    o={"type":"object","properties":props}
    if required: o["required"]=list(required)
    o["additionalProperties"]=extra
    return o
def body(name): return {"required":True,"content":{"application/json":{"schema":ref(name)}}}
def resp(desc, schema=None, ctype="application/json"):
    r={"description":desc}
    if schema is not None: r["content"]={ctype:{"schema":schema}}
    return r
E=lambda d: resp(d, ref("Error"))
common_errors={"401":E("No valid token (WWW-Authenticate: Bearer)"),"429":E("Too many failed authentications from this address")}
def op(summary, responses, desc=None, params=None, req=None, auth=True, opid=None):
    o={"summary":summary,"operationId":opid,"responses":responses}
    if desc: o["description"]=desc
    if params: o["parameters"]=params
    if req: o["requestBody"]=req
    if auth:
        o["responses"]={**o["responses"],**common_errors,"403":E("The identity's roles do not allow this")}
    else:
        o["security"]=[]
    o["responses"]["default"]=E("Any other refusal")
    return o
path_id={"name":"id","in":"path","required":True,"schema":S("string",minLength=1),"description":"A run id (GET /api/v1/runs lists them)"}
path_name={"name":"name","in":"path","required":True,"schema":S("string",minLength=1)}
schemas={
 "Error": obj({"error": obj({"status":S("integer"),"message":S("string"),"field":S("string"),"plan":ref("Plan"),"run_id":S("string")},["status","message"])},["error"]),
 "Value": {"description":"A parameter value: string, number, boolean, list or object"},
 "Parameter": obj({"name":S("string"),"type":S("string",enum=["string","int","number","bool","duration","list","enum"]),"values":S("array",items=S("string")),
                   "required":S("boolean"),"secret":S("boolean"),"doc":S("string"),"default":ref("Value")},["name","type","required","secret"]),
 "Target": obj({"name":S("string"),"pattern":S("string"),"exactly":S("integer"),"at_least":S("integer"),"at_most":S("integer")},["name","pattern"]),
 "Runbook": obj({"name":S("string"),"summary":S("string"),"file":S("string"),"parameters":S("array",items=ref("Parameter")),
                 "targets":S("array",items=ref("Target")),"gated":S("boolean"),"mutating":S("boolean")},["name","file","parameters","targets","gated","mutating"]),
 "InventorySummary": obj({"name":S("string"),"hosts":S("integer"),"groups":S("array",items=obj({"name":S("string"),"hosts":S("integer")},["name","hosts"])),
                          "problem":S("string")},["name","hosts","groups"]),
 "Plan": {"type":"object","description":"The plan, exactly as `warden plan --output json` prints it","required":["hash","verdict","steps","runbook"],
          "properties":{"hash":S("string",pattern="^sha256:[0-9a-f]{64}$"),"verdict":S("string"),"runbook":S("string"),"steps":S("array",items={"type":"object"})},
          "additionalProperties":True},
 "PlanRequest": dict(examples=[{"runbook":"pegasus-inspect","inventory":"pegasus"}], **obj({"runbook":S("string"),"inventory":S("string"),"params":{"type":"object","additionalProperties":ref("Value")},"limit":S("string")},["runbook","inventory"])),
 "StartRequest": obj({"runbook":S("string"),"inventory":S("string"),"params":{"type":"object","additionalProperties":ref("Value")},"limit":S("string"),
                      "plan_hash":S("string")},["runbook","inventory","plan_hash"]),
 "Started": obj({"run_id":S("string"),"plan_hash":S("string"),"links":{"type":"object","additionalProperties":S("string")}},["run_id","plan_hash","links"]),
 "RunItem": obj({"id":S("string"),"runbook":S("string"),"status":S("string"),"reason":S("string"),"trigger":S("string",enum=["terminal","api","schedule","alert"]),
                 "initiator":S("string"),"controller":S("string"),"plan_hash":S("string"),"started_at":S("number"),"finished_at":S("number"),"controller_gone":S("boolean")},
                ["id","runbook","status","trigger","initiator","controller","plan_hash","started_at","controller_gone"]),
 "RunListing": obj({"runs":S("array",items=ref("RunItem")),"next_cursor":S("string")},["runs"]),
 "JournalRun": {"type":"object","required":["id","runbook","file","initiator","controller","plan_hash","parameters","status","started_at","trigger"],
                "properties":{"id":S("string"),"runbook":S("string"),"file":S("string"),"initiator":S("string"),"controller":S("string"),"plan_hash":S("string"),
                              "parameters":S("string"),"status":S("string"),"reason":S("string"),"started_at":S("number"),"finished_at":S("number"),
                              "trigger":S("string"),"inventory":S("string")},"additionalProperties":False},
 "JournalEvent": {"type":"object","required":["run_id","sequence","at","kind","previous_hash","hash"],
                  "properties":{"run_id":S("string"),"sequence":S("integer"),"at":S("number"),"kind":S("string"),"step":S("string"),"host":S("string"),
                                "command":S("string"),"status":S("string"),"exit":S("integer"),"detail":S("string"),"previous_hash":S("string"),"hash":S("string")},
                  "additionalProperties":False},
 "Approval": {"type":"object","required":["run_id","step","approver","decision","plan_hash","at"],
              "properties":{"run_id":S("string"),"step":S("string"),"approver":S("string"),"decision":S("string",enum=["approve","deny"]),"comment":S("string"),
                            "plan_hash":S("string"),"at":S("number"),"signature":S("string")},"additionalProperties":False},
 "RunLock": {"type":"object","required":["name","run_id","holder","controller","acquired_at"],
             "properties":{"name":S("string"),"run_id":S("string"),"holder":S("string"),"controller":S("string"),"acquired_at":S("number"),
                           "expires_at":S("number"),"host":S("string")},"additionalProperties":False},
 "RunDetail": obj({"run":ref("JournalRun"),"plan":ref("Plan"),
                   "steps":S("array",items=obj({"id":S("string"),"kind":S("string"),"status":S("string"),"summary":S("string"),
                         "hosts":S("array",items=obj({"host":S("string"),"status":S("string"),"exit":S("integer"),"command":S("string"),"reason":S("string")},["host","status"]))},
                         ["id","status","hosts"])),
                   "approvals":S("array",items=ref("Approval")),
                   "deadmen":S("array",items=obj({"step":S("string"),"host":S("string"),"state":S("string"),"fires_at":S("number")},["state"])),
                   "locks":S("array",items=ref("RunLock")),
                   "artifacts":S("array",items=obj({"step":S("string"),"host":S("string"),"path":S("string"),"local":S("string"),"bytes":S("integer"),"sha256":S("string")},
                                                    ["step","host","path","local","bytes","sha256"])),
                   "waiting_for_approval":S("string"),"controller_gone":S("boolean")},
                  ["run","steps","approvals","deadmen","locks","artifacts","controller_gone"]),
 "EventPage": obj({"events":S("array",items=ref("JournalEvent")),"after":S("integer"),"run_status":S("string"),"finished":S("boolean")},["events","after","run_status","finished"]),
 "ReasonRequest": obj({"reason":S("string",minLength=1,pattern="\\S")},["reason"]),
 "DecisionRequest": obj({"decision":S("string",enum=["approve","deny"]),"comment":S("string")},["decision"]),
 "ResumeRequest": obj({"assume":S("string",enum=["done","not-done"]),"params":{"type":"object","additionalProperties":ref("Value")},"inventory":S("string")}),
 "Accepted": obj({"run_id":S("string"),"status":S("string")},["run_id","status"]),
 "Decided": obj({"run_id":S("string"),"step":S("string"),"decision":S("string"),"approver":S("string"),"plan_hash":S("string")},["run_id","step","decision","approver","plan_hash"]),
 "PendingApproval": obj({"run_id":S("string"),"runbook":S("string"),"step":S("string"),"initiator":S("string"),"plan_hash":S("string"),"quorum":S("integer"),
                         "approvers":S("array",items=S("string")),"message":S("string"),"may_approve":S("boolean"),"refusal":S("string")},
                        ["run_id","runbook","step","initiator","plan_hash","quorum","approvers","may_approve"]),
 "Broken": obj({"lock":ref("RunLock"),"host_directory":S("string")},["lock","host_directory"]),
 "Signature": obj({"run_id":S("string"),"what":S("string"),"by":S("string"),"verdict":S("string",enum=["signed","unsigned","does-not-verify","unchecked"]),
                   "key":S("string"),"reason":S("string")},["run_id","what","by","verdict"]),
 "Verified": obj({"intact":S("boolean"),"holds":S("boolean"),"records":S("integer"),"head":S("string"),
                  "broken":obj({"record":S("integer"),"run_id":S("string"),"event":S("integer"),"reason":S("string")},["reason"]),
                  "approvals":S("array",items=ref("Signature")),"checkpoints":S("array",items=ref("Signature")),
                  "unsigned_tail":S("array",items=S("integer"),minItems=2,maxItems=2),
                  "uncovered":S("array",items=obj({"run_id":S("string"),"reason":S("string")},["run_id","reason"]))},
                 ["intact","holds","records","head","approvals","checkpoints","uncovered"]),
 "Status": obj({"version":S("string"),"config":S("string"),"loaded_at":S("number"),"reload_failure":S("string"),"token_problem":S("string"),"started_at":S("number"),
                "accepting":S("boolean"),"controller":S("string"),"identity":S("string"),
                "runs_active":S("array",items=obj({"run_id":S("string"),"runbook":S("string"),"trigger":S("string"),"started_at":S("number")},["run_id","runbook","trigger","started_at"])),
                "waiting_for_operator":S("array",items=obj({"run_id":S("string"),"reason":S("string")},["run_id","reason"]))},
               ["version","config","loaded_at","started_at","accepting","controller","identity","runs_active","waiting_for_operator"]),
 "Health": obj({"status":S("string"),"problems":S("string")},["status"]),
 "AlertDecision": obj({"sequence":S("integer"),"input":S("integer"),"at":S("number"),"kind":S("string",enum=["start","started","waiting-for-approval","blocked","attached",
                        "throttled","flapping","escalated","suppressed","closed","duplicate","no-rule-matched","resolved-only","invalid","unrenderable"]),
                       "rule":S("string"),"key":S("string"),"incident":S("string"),"run":S("string"),"summary":S("string")},["sequence","input","at","kind","summary"]),
 "Incident": obj({"id":S("string"),"rule":S("string"),"key":S("string"),"status":S("string",enum=["open","closed"]),"opened_at":S("number"),"closed_at":S("number"),
                  "closed_because":S("string"),"firing":S("array",items=S("string")),"runs":S("array",items=S("string")),"decisions":S("array",items=ref("AlertDecision")),
                  "waiting_for_approval":obj({"runbook":S("string"),"inventory":S("string"),"params":{"type":"object","additionalProperties":S("string")}},["runbook","inventory","params"])},
                 ["id","status","opened_at","firing","runs","decisions"]),
 "IncidentApproval": obj({"plan_hash":S("string"),"comment":S("string")},["plan_hash"]),
 "AlertmanagerDelivery": {"type":"object","description":"Alertmanager's webhook payload, version 4 (unknown members are ignored)",
                          "properties":{"version":S("string"),"groupKey":S("string"),"status":S("string"),"alerts":S("array",items={"type":"object"})},"additionalProperties":True},
}
q=lambda name, schema, desc: {"name":name,"in":"query","required":False,"schema":schema,"description":desc}
paths={
 "/healthz":{"get":op("The process answers",{"200":resp("Alive",ref("Health"))},auth=False,opid="healthz")},
 "/readyz":{"get":op("The journal is usable and the daemon takes runs",{"200":resp("Ready",ref("Health")),"503":resp("Not ready, and why",ref("Health"))},auth=False,opid="readyz")},
 "/metrics":{"get":op("Prometheus metrics (open unless metrics.require_token)",{"200":resp("Text exposition format",S("string"),"text/plain"),
              "401":E("metrics.require_token is set and no valid token was sent"),"403":E("The identity may not read metrics")},auth=False,opid="metrics")},
 "/api/v1/openapi.json":{"get":op("This document",{"200":resp("The OpenAPI 3.1 document",{"type":"object"})},auth=False,opid="openapi")},
 "/api/v1/status":{"get":op("Version, config, active runs, adopted runs waiting for an operator",{"200":resp("Status",ref("Status"))},opid="status")},
 "/api/v1/reload":{"post":op("Reload the config (as SIGHUP); admin",{"200":resp("Reloaded",ref("Health")),"422":E("The config does not validate; the old one stays")},opid="reload")},
 "/api/v1/runbooks":{"get":op("The catalog",{"200":resp("Runbooks",obj({"runbooks":S("array",items=ref("Runbook"))},["runbooks"]))},opid="listRunbooks")},
 "/api/v1/runbooks/{name}":{"get":op("One runbook",{"200":resp("The runbook",ref("Runbook")),"404":E("No such runbook")},params=[path_name],opid="getRunbook")},
 "/api/v1/inventories":{"get":op("The inventories",{"200":resp("Inventories",obj({"inventories":S("array",items=ref("InventorySummary"))},["inventories"]))},opid="listInventories")},
 "/api/v1/plans":{"post":op("Plan a run on the hosts' real state; nothing mutating is sent",
     {"200":resp("The plan",ref("Plan")),"400":E("Malformed body, or a member missing, unknown or of the wrong type (error.field names it)"),
      "404":E("Unknown runbook or inventory"),"413":E("Body over http.max_body_bytes"),"422":E("Parameters or limit that do not bind")},req=body("PlanRequest"),opid="plan")},
 "/api/v1/runs":{
   "get":op("Runs in the journal, newest first",{"200":resp("A page",ref("RunListing")),"400":E("A bad filter (error.field names it)")},
     params=[q("status",S("string",enum=["running","succeeded","failed","aborted","blocked","failed-checks","denied","abandoned"]),"how it stands or ended"),q("runbook",S("string"),"runbook name"),q("trigger",S("string",enum=["terminal","api","schedule","alert"]),"what started it"),
             q("initiator",S("string"),"who started it"),q("cursor",S("string"),"next_cursor of the previous page"),q("limit",S("integer",minimum=1,maximum=500),"page size (50)")],opid="listRuns"),
   "post":op("Start a run if a fresh plan has plan_hash",
     {"202":resp("Started; it goes on in the background (Location: the run)",ref("Started")),"400":E("Malformed body"),"404":E("Unknown runbook or inventory"),
      "409":E("The plan changed (error.plan is the new one), a guard blocks it, or a lock is held"),"413":E("Body too large"),"422":E("Parameters that do not bind"),
      "429":E("runs.max_active runs are active (Retry-After), or too many failed authentications"),"503":E("The daemon is stopping")},req=body("StartRequest"),opid="startRun")},
 "/api/v1/runs/{id}":{"get":op("One run: plan, steps, hosts, approvals, deadmen, locks, artifacts",{"200":resp("The run",ref("RunDetail")),"404":E("No such run")},params=[path_id],opid="getRun")},
 "/api/v1/runs/{id}/events":{"get":op("The run's journal records: Server-Sent Events with Accept: text/event-stream (id = sequence; Last-Event-ID resumes), else JSON pages",
     {"200":{"description":"Events","content":{"application/json":{"schema":ref("EventPage")},"text/event-stream":{"schema":S("string")}}},
      "400":E("A bad after or limit"),"404":E("No such run")},
     params=[path_id,q("after",S("integer",minimum=0,maximum=9007199254740991),"the last sequence the client has"),q("limit",S("integer",minimum=1,maximum=5000),"page size (500)")],opid="runEvents")},
 "/api/v1/runs/{id}/cancel":{"post":op("Stop the run as Ctrl-C does: remote commands are killed, cleanup runs",
     {"202":resp("Cancelling",ref("Accepted")),"400":E("Malformed body"),"404":E("No such run"),"409":E("The run ended, or another controller carries it"),"413":E("Body too large"),
      "422":E("An empty reason")},params=[path_id],req=body("ReasonRequest"),opid="cancelRun")},
 "/api/v1/runs/{id}/resume":{"post":op("Resume a run whose controller died",
     {"202":resp("Resumed",ref("Accepted")),"400":E("Malformed body"),"404":E("No such run or inventory"),"409":E("Running here already, or it ended"),"413":E("Body too large"),
      "422":E("It cannot be resumed as asked (e.g. a change of unknown outcome needs assume)"),"503":E("The daemon is stopping")},params=[path_id],req=body("ResumeRequest"),opid="resumeRun")},
 "/api/v1/runs/{id}/approvals":{"post":op("Approve or deny the gate the run waits at (bound to its plan hash)",
     {"201":resp("Recorded",ref("Decided")),"400":E("Malformed body"),"404":E("No such run"),"409":E("The run waits at no gate"),"413":E("Body too large"),
      "422":E("A denial without a comment")},params=[path_id],req=body("DecisionRequest"),opid="decide")},
 "/api/v1/approvals":{"get":op("Runs waiting at an approval gate, and whether the caller may approve each",
     {"200":resp("Pending",obj({"approvals":S("array",items=ref("PendingApproval"))},["approvals"])),"400":E("A bad state")},
     params=[q("state",S("string",enum=["pending"]),"only 'pending'")],opid="pendingApprovals")},
 "/api/v1/locks":{"get":op("Locks held",{"200":resp("Locks",obj({"locks":S("array",items=ref("RunLock"))},["locks"]))},opid="listLocks")},
 "/api/v1/locks/{name}/break":{"post":op("Break a lock whose holder is gone (admin); audited with who and why",
     {"200":resp("Broken",ref("Broken")),"400":E("Malformed body"),"404":E("No such lock"),"413":E("Body too large"),"422":E("An empty reason")},
     params=[path_name],req=body("ReasonRequest"),opid="breakLock")},
 "/api/v1/audit/verify":{"get":op("Whether the audit log holds (as `warden audit verify`): the chain and every table against it, then each decision's and checkpoint's signature against the site policy's allowed signers",{"200":resp("The verdict",ref("Verified"))},opid="verifyAudit")},
 "/api/v1/alerts/alertmanager":{"post":op("Alertmanager's webhook (role alerts): journaled, then decided in order; at most one run per incident",
     {"202":resp("Journaled; decided soon after (GET /api/v1/decisions)",obj({"input":S("integer")},["input"])),
      "400":E("Not a version 4 delivery; journaled with an invalid decision (error.field names the member)"),"413":E("Over 1 MiB"),
      "503":E("The journal cannot be written (Alertmanager retries)")},req=body("AlertmanagerDelivery"),opid="deliverAlerts")},
 "/api/v1/incidents":{"get":op("Alert incidents, newest first, with their runs and decisions",
     {"200":resp("Incidents",obj({"incidents":S("array",items=ref("Incident"))},["incidents"])),"400":E("A bad status")},
     params=[q("status",S("string",enum=["open","closed"]),"open or closed")],opid="listIncidents")},
 "/api/v1/incidents/{id}":{"get":op("One incident",{"200":resp("The incident",ref("Incident")),"404":E("No such incident")},
     params=[{"name":"id","in":"path","required":True,"schema":S("string",minLength=1)}],opid="getIncident")},
 "/api/v1/incidents/{id}/close":{"post":op("Close an incident by hand (operator); its runs go on",
     {"200":resp("Closed",ref("Incident")),"400":E("Malformed body"),"404":E("No open incident by that id"),"413":E("Body too large"),"422":E("An empty reason"),
      "503":E("The journal cannot be written")},params=[{"name":"id","in":"path","required":True,"schema":S("string",minLength=1)}],req=body("ReasonRequest"),opid="closeIncident")},
 "/api/v1/incidents/{id}/approve":{"post":op("Start an approval: required incident's run on the plan the approver read (approver)",
     {"202":resp("Started",obj({"run":S("string"),"incident":S("string")},["run","incident"])),"400":E("Malformed body"),"404":E("No incident waits for approval by that id"),
      "409":E("The plan changed (error.plan is the new one), a guard blocks it, or the rule needs no approval"),"413":E("Body too large"),"422":E("Parameters that no longer bind"),
      "429":E("runs.max_active runs are active"),"503":E("The daemon is stopping")},
     params=[{"name":"id","in":"path","required":True,"schema":S("string",minLength=1)}],req=body("IncidentApproval"),opid="approveIncident")},
 "/api/v1/decisions":{"get":op("Decisions about alert deliveries, oldest first: why automation did or did not act",
     {"200":resp("A page",obj({"decisions":S("array",items=ref("AlertDecision")),"next":S("integer")},["decisions"])),"400":E("A bad after, limit or since")},
     params=[q("after",S("integer",minimum=0,maximum=9007199254740991),"the last sequence the client has"),q("limit",S("integer",minimum=1,maximum=5000),"page size (500)"),
             q("since",S("string",format="date-time"),"decisions at or after this RFC 3339 time")],opid="listDecisions")},
 "/api/v1/audit/export":{"get":op("Audit records from a sequence on, as JSON lines",{"200":resp("JSON lines",S("string"),"application/x-ndjson"),"400":E("A bad since")},
     params=[q("since",S("integer",minimum=1,maximum=9007199254740991),"first sequence (1)")],opid="exportAudit")},
}
doc={"openapi":"3.1.0",
     "info":{"title":"Warden","version":"0.2.0","description":"The HTTP API of `warden serve`: plan, start, follow, approve and cancel guarded runs. Every refusal is JSON: {\"error\": {\"status\", \"message\", \"field\"}}."},
     "servers":[{"url":"/"}],
     "security":[{"bearer":[]}],
     "components":{"securitySchemes":{"bearer":{"type":"http","scheme":"bearer","description":"A token from `warden token add`"}},"schemas":schemas},
     "paths":paths}
print(json.dumps(doc, indent=2, sort_keys=False))
