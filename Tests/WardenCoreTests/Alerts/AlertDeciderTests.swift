import Foundation
import Testing
@testable import WardenCore
import WardenTesting

extension AlertDecision {
    var startRequest: RunPlanRequest? {
        if case let .start(request) = self { return request }
        return nil
    }
}

extension AlertsTests {
    /// The issue's scenarios on the decider, on a test clock: no test sleeps.
    @Suite("Alert decider")
    struct AlertDeciderTests {
        typealias F = AlertFixtures

        @Test func oneAlertRepeatedFiveTimesStartsOneRun() async throws {
            let clock = TestClock(now: F.origin)
            let decider = AlertDecider(rules: [try F.rule()], clock: clock)
            let delivery = F.delivery([F.nodeDown("replica-1")])
            var kinds: [[String]] = []
            for _ in 0..<5 {
                kinds.append(await decider.decide(delivery).decisions.map(\.kind))
                clock.advance(by: .seconds(4 * 3600))  // repeat_interval
            }
            // Repeats after repeat_interval say which open incident they belong to.
            #expect(kinds == [["start"], ["attached"], ["attached"], ["attached"], ["attached"]])
            // A retry within a minute is a duplicate.
            #expect(await decider.decide(delivery).decisions.map(\.kind) == ["attached"])
            #expect(await decider.decide(delivery).decisions.map(\.kind) == ["duplicate"])

            // The same alert in a group whose key changed (a routing edit) is a new delivery, and
            // attaches to the open incident: incidents are keyed by the rule, not by groupKey.
            let first = await decider.state.incidents.values.first
            let incident = try #require(first)
            _ = await decider.runStarted("R1", incident: incident.id)
            let moved = await decider.decide(F.delivery("{}/{team=\"db\"}:{alertname=\"NodeDown\"}", [F.nodeDown("replica-1")])).decisions
            #expect(moved == [.attached(incident: incident.id, key: incident.key, run: "R1")])
            #expect(moved[0].description == #"attached: to open incident I1 for node-down{cluster="pegasus-a",node="replica-1"} (run R1)"#)
        }

        @Test func anHATwinIsOneDuplicate() async throws {
            let decider = AlertDecider(rules: [try F.rule()], clock: TestClock(now: F.origin))
            let delivery = try AlertmanagerDelivery.decode(Array(F.firing.utf8))
            var twin = delivery
            twin.alerts.reverse()
            twin.receiver = "warden-peer"
            let first = await decider.decide(delivery).decisions
            #expect(first.map(\.kind) == ["start", "start"])
            #expect(first.compactMap(\.startRequest).map(\.params) == [["cluster": "pegasus-a", "node": "replica-1"], ["cluster": "pegasus-a", "node": "replica-2"]])
            #expect(await decider.decide(twin).decisions == [.duplicate(deliveryKey: delivery.deliveryKey)])
        }

        static func escalatingRule() throws -> AlertRule {
            try F.rule(escalation: AlertEscalation(label: "node", atLeast: 3, runbook: "freeze-cluster",
                                                   params: ["cluster": try AlertTemplate("{{ labels.cluster }}", parameter: "cluster")]))
        }

        /// Per-node runs below the threshold are the rule's own action (it names a per-node
        /// runbook); at the threshold the cluster runbook runs once and per-node runs stop.
        @Test func threeOfFourNodesFiringEscalateOnce() async throws {
            let clock = TestClock(now: F.origin)
            let decider = AlertDecider(rules: [try Self.escalatingRule()], clock: clock)
            var all: [[AlertDecision]] = []
            for node in ["n1", "n2", "n3", "n4"] {
                clock.advance(by: .seconds(60))
                all.append(await decider.decide(F.delivery("{}:{node=\"\(node)\"}", [F.nodeDown(node)])).decisions)
            }
            #expect(all.map { $0.map(\.kind) } == [["start"], ["start"], ["escalated", "start", "suppressed"], ["suppressed"]])
            let escalated = all.joined().compactMap(\.startRequest).filter(\.escalated)
            #expect(escalated.count == 1)
            #expect(escalated.first?.runbook == "freeze-cluster")
            #expect(escalated.first?.params == ["cluster": "pegasus-a"])
            #expect(escalated.first?.incidentKey.description == #"node-down/escalated{cluster="pegasus-a"}"#)
            #expect(all[2][0].description.contains("has 3 members firing (escalate at 3)"))
            #expect(all[3][0].description.hasPrefix("suppressed by escalation: node-down{cluster=\"pegasus-a\",node=\"n4\"} is covered by escalated incident"))

            // Another cluster is its own scope.
            #expect(await decider.decide(F.delivery([F.nodeDown("n1", cluster: "pegasus-b")])).decisions.map(\.kind) == ["start"])
        }

        @Test func threeNodesInOneDeliveryStartOnlyTheClusterRunbook() async throws {
            let decider = AlertDecider(rules: [try Self.escalatingRule()], clock: TestClock(now: F.origin))
            let decisions = await decider.decide(F.delivery([F.nodeDown("n1"), F.nodeDown("n2"), F.nodeDown("n3")])).decisions
            #expect(decisions.map(\.kind) == ["escalated", "start", "suppressed", "suppressed", "suppressed"])
            #expect(decisions.compactMap(\.startRequest).map(\.runbook) == ["freeze-cluster"])
        }

        @Test func aFlappingAlertIsNotActedOn() async throws {
            let clock = TestClock(now: F.origin)
            // "More than 2 changes": the firing after exactly two changes is still acted on.
            let rule = try F.rule(throttles: AlertThrottles(flapping: (changes: 2, within: .seconds(600))))
            let decider = AlertDecider(rules: [rule], clock: clock)
            var kinds: [[String]] = []
            for (index, status) in [AlertStatus.firing, .resolved, .firing, .resolved, .firing, .resolved, .firing].enumerated() {
                clock.advance(by: .seconds(60))
                let result = await decider.decide(F.delivery([F.nodeDown("n1", status, startsAt: 1_750_000_000 + Int64(index / 2 * 120))]))
                kinds.append(result.decisions.map(\.kind))
                // Each run ends at once, so only flapping can hold the rule back.
                for case let .start(request) in result.decisions {
                    _ = await decider.runStarted("R\(index)", incident: request.incident)
                    _ = await decider.runEnded("R\(index)")
                }
            }
            #expect(kinds == [["start"], ["closed"], ["start"], ["closed"], ["flapping"], ["resolved-only"], ["flapping"]])

            // Quiet for longer than the window: the alert fires again and is acted on.
            clock.advance(by: .seconds(660))
            let calm = await decider.decide(F.delivery("{}:{again}", [F.nodeDown("n1", startsAt: 1_750_000_000 + 360)])).decisions
            #expect(calm.map(\.kind) == ["start"])
        }

        @Test func onceWithinAndMaxRunsFollowTheClock() async throws {
            let clock = TestClock(now: F.origin)
            let rule = try F.rule(throttles: AlertThrottles(onceWithin: .seconds(1800), maxRuns: (count: 2, within: .seconds(3600))))
            let decider = AlertDecider(rules: [rule], clock: clock)
            func kinds(_ alerts: [AlertmanagerAlert]) async -> [String] {
                await decider.decide(F.delivery(alerts)).decisions.map(\.kind)
            }
            #expect(await kinds([F.nodeDown("n1")]) == ["start"])
            _ = await decider.runStarted("R1", incident: "I1")
            _ = await decider.runEnded("R1")
            clock.advance(by: .seconds(60))
            #expect(await kinds([F.nodeDown("n1", .resolved)]) == ["closed"])

            clock.advance(by: .seconds(240))  // t+5m: n1 fires again
            let again = await decider.decide(F.delivery([F.nodeDown("n1", startsAt: 1_750_000_300)])).decisions
            #expect(again.map(\.kind) == ["throttled"])
            #expect(again.first?.description
                == #"throttled: node-down{cluster="pegasus-a",node="n1"}: once_within 30m (last run R1 of incident I1 at 2025-06-15T15:06:40Z)"#)

            clock.advance(by: .seconds(300))  // t+10m: another key is not held by once_within
            #expect(await kinds([F.nodeDown("n1", startsAt: 1_750_000_300), F.nodeDown("n2")]) == ["throttled", "start"])
            clock.advance(by: .seconds(120))  // t+12m: but the rule's max_runs is
            let third = await decider.decide(F.delivery([F.nodeDown("n3")])).decisions
            #expect(third.map(\.kind) == ["throttled"])
            #expect(third.first?.description.contains("max_runs 2 within 1h reached") == true)

            clock.advance(by: .seconds(19 * 60))  // t+31m: once_within has passed for n1, max_runs has not
            #expect(await kinds([F.nodeDown("n1", startsAt: 1_750_000_300), F.nodeDown("n3")]) == ["throttled", "throttled"])
            clock.advance(by: .seconds(30 * 60))  // t+61m: the first start left the hour
            #expect(await kinds([F.nodeDown("n1", startsAt: 1_750_000_300), F.nodeDown("n3"), F.nodeDown("n4")]) == ["start", "throttled", "throttled"])
        }

        @Test func anIncidentClosesWhenItsAlertsResolvedAndItsRunsEnded() async throws {
            let clock = TestClock(now: F.origin)
            let decider = AlertDecider(rules: [try F.rule(incidentLabels: ["cluster"])], clock: clock)
            #expect(await decider.decide(F.delivery([F.nodeDown("n1")])).decisions.map(\.kind) == ["start"])
            #expect(await decider.decide(F.delivery("{}:{b}", [F.nodeDown("n2")])).decisions.map(\.kind) == ["attached"])
            _ = await decider.runStarted("R1", incident: "I1")
            #expect(await decider.decide(F.delivery([F.nodeDown("n1", .resolved)])).decisions.map(\.kind) == ["resolved-only"])
            #expect(await decider.decide(F.delivery("{}:{b}", [F.nodeDown("n2", .resolved)])).decisions.map(\.kind) == ["resolved-only"],
                    "its run still runs")
            #expect(await decider.state.incident("I1") != nil)
            let ended = await decider.runEnded("R1").decisions
            #expect(ended.map(\.description) == [#"closed: incident I1 for node-down{cluster="pegasus-a"}: all its alerts resolved and its runs ended"#])
            #expect(await decider.state.incidents.isEmpty)

            clock.advance(by: .seconds(60))
            #expect(await decider.decide(F.delivery([F.nodeDown("n1", startsAt: 1_750_000_060)])).decisions.map(\.kind) == ["start"])
            #expect(await decider.close(incident: "I2", reason: "fixed by hand").decisions
                == [.closed(incident: "I2", key: IncidentKey(rule: "node-down", labels: [("cluster", "pegasus-a")]), .byOperator("fixed by hand"))])
            #expect(await decider.decide(F.delivery([F.nodeDown("x", cluster: "fdb")])).decisions.map(\.kind) == ["start"])
            #expect(await decider.startFailed(incident: "I3", reason: "plan refused").decisions.map(\.kind) == ["blocked", "closed"])
            #expect(await decider.state.incidents.isEmpty)
        }

        @Test func aRuleOnResolvedRunsWhenAnAlertResolvesNotOnEveryResend() async throws {
            let clock = TestClock(now: F.origin)
            let check = try F.rule("after-node-down", runbook: "check-replica", on: [.resolved])
            let decider = AlertDecider(rules: [check], clock: clock)
            #expect(await decider.decide(F.delivery([F.nodeDown("n1")])).decisions == [.noRuleMatched])
            clock.advance(by: .seconds(60))
            let resolved = await decider.decide(F.delivery([F.nodeDown("n1", .resolved)])).decisions
            #expect(resolved.compactMap(\.startRequest).map(\.runbook) == ["check-replica"])
            _ = await decider.runStarted("R1", incident: "I1")
            #expect(await decider.runEnded("R1").decisions.map(\.kind) == ["closed"])
            // Prometheus re-sends resolved alerts for a while: a re-send in a changed group starts nothing.
            let resend = await decider.decide(F.delivery("{}:{other}", [F.nodeDown("n1", .resolved)])).decisions
            #expect(resend == [.resolvedOnly])
        }

        @Test func otherDeliveriesAreNamedForWhatTheyAre() async throws {
            let decider = AlertDecider(rules: [try F.rule()], clock: TestClock(now: F.origin))
            let other = F.alert("f9", labels: ["alertname": "DiskFull", "cluster": "fdb"])
            #expect(await decider.decide(F.delivery([other])).decisions == [.noRuleMatched])
            #expect(await decider.decide(F.delivery([F.alert("f9", .resolved, labels: other.labels)])).decisions == [.resolvedOnly])
            let bad = await decider.receive(Array(#"{"version": "3"}"#.utf8))
            #expect(bad.decisions == [.invalid(.unsupportedVersion("3"))])
            #expect(bad.decisions[0].description.hasPrefix("invalid: version: webhook protocol version '3' is not supported"))
            // Label values are data: a newline in one does not start a line of the journal.
            let forged = await decider.decide(F.delivery([F.nodeDown("n1", cluster: "a\nstart: rule evil")])).decisions
            #expect(forged.map(\.kind) == ["start"])
            #expect(!forged[0].description.contains("\n"))
            // A parameter that does not render starts nothing.
            let noNode = F.alert("f1", labels: ["alertname": "NodeDown", "cluster": "pegasus-a"])
            let decisions = await decider.decide(F.delivery([noNode])).decisions
            #expect(decisions.map(\.kind) == ["unrenderable"])
            #expect(decisions[0].description == #"not started: node-down{cluster="pegasus-a"}: parameter 'node': the alert has no label 'node'"#)
        }

        @Test func replayingTheJournalComesBackToTheSameState() async throws {
            let clock = TestClock(now: F.origin)
            let rules = [try Self.escalatingRule(),
                         try F.rule("node-down-once", runbook: "check", incidentLabels: ["cluster"],
                                    throttles: AlertThrottles(onceWithin: .seconds(3600), maxRuns: (count: 3, within: .seconds(7200)),
                                                              flapping: (changes: 2, within: .seconds(900))))]
            let decider = AlertDecider(rules: rules, clock: clock)
            var journal: [(input: AlertDeciderInput, decisions: [AlertDecision])] = []
            journal.append(await decider.decide(F.delivery([F.nodeDown("n1")])))
            journal.append(await decider.runStarted("R1", incident: "I1"))
            clock.advance(by: .seconds(60))
            journal.append(await decider.decide(F.delivery([F.nodeDown("n1"), F.nodeDown("n2", cluster: "pegasus-b")])))
            journal.append(await decider.decide(F.delivery([F.nodeDown("n1")])))
            journal.append(await decider.receive(Array("not json".utf8)))
            clock.advance(by: .seconds(60))
            journal.append(await decider.decide(F.delivery([F.nodeDown("n2"), F.nodeDown("n3")])))
            journal.append(await decider.decide(F.delivery([F.nodeDown("n1", .resolved)])))
            journal.append(await decider.runEnded("R1"))
            journal.append(await decider.close(incident: "I2", reason: "done"))
            clock.advance(by: .seconds(120))
            journal.append(await decider.decide(F.delivery([F.nodeDown("n1", startsAt: 1_750_000_200)])))

            let inputs = journal.map(\.input)
            let replayed = AlertDeciderState.replay(inputs, rules: rules)
            #expect(replayed.state == (await decider.state))
            #expect(replayed.decisions == journal.map(\.decisions), "the journaled decisions follow from the journaled inputs")
            #expect(journal.flatMap(\.decisions).contains { $0.kind == "throttled" }, "the journal exercises a throttle")

            // A restarted daemon keeps its throttles and incidents: both answer the next delivery alike.
            let restarted = AlertDecider(rules: rules, clock: clock, replaying: inputs)
            clock.advance(by: .seconds(60))
            let next = F.delivery([F.nodeDown("n1", startsAt: 1_750_000_200), F.nodeDown("n5")])
            let original = await decider.decide(next).decisions
            #expect(await restarted.decide(next).decisions == original)
            #expect(original.contains { $0.kind == "throttled" || $0.kind == "attached" || $0.kind == "suppressed" })
        }

        @Test func memoryStaysBounded() throws {
            var limits = AlertDeciderState.Limits()
            limits.deliveryKeys = 50
            limits.alerts = 40
            var state = AlertDeciderState(limits: limits)
            let rule = try F.rule(throttles: AlertThrottles(onceWithin: .seconds(60)))
            for index in 0..<500 {
                let decisions = state.apply(.delivery(.success(F.delivery([F.nodeDown("n\(index)", cluster: "c\(index % 7)")])),
                                                      at: F.origin.addingTimeInterval(Double(index) * 120)), rules: [rule])
                #expect(!decisions.isEmpty)
            }
            #expect(state.seenKeys.count <= 50)
            #expect(state.alerts.count <= 40)
            #expect(state.starts.count <= 1, "starts older than every window are forgotten")
        }
    }
}
