import Testing
@testable import WardenCore

extension AlertsTests {
    @Suite("Label matchers")
    struct LabelMatcherTests {
        let labels = ["alertname": "NodeDown", "cluster": "pegasus-a", "node": "replica-1"]

        @Test func theFourOperatorsMatchAsAlertmanagers() throws {
            #expect(try LabelMatcher.parse(#"cluster="pegasus-a""#).matches(labels))
            #expect(try !LabelMatcher.parse(#"cluster!="pegasus-a""#).matches(labels))
            #expect(try LabelMatcher.parse(#"cluster=~"pegasus-.*""#).matches(labels))
            #expect(try !LabelMatcher.parse(#"cluster!~"pegasus-.*""#).matches(labels))
            #expect(try LabelMatcher.parse("cluster = pegasus-a").matches(labels), "a bare value, spaces around the operator")
            // An absent label is the empty string.
            #expect(try LabelMatcher.parse(#"team!="db""#).matches(labels))
            #expect(try LabelMatcher.parse(#"team="""#).matches(labels))
            #expect(try LabelMatcher.parse(#"team=~".*""#).matches(labels))
        }

        @Test func regexesAreAnchoredOnTheWholeValue() throws {
            #expect(try !LabelMatcher.parse(#"cluster=~"pegasus""#).matches(labels), "a prefix is not a match")
            #expect(try !LabelMatcher.parse(#"cluster=~"a""#).matches(labels), "a suffix is not a match")
            #expect(try LabelMatcher.parse(#"node=~"replica-[0-9]+""#).matches(labels))
            // The alternation stays inside the anchors: ^(?:x|pegasus)$, not ^x|pegasus$.
            #expect(try !LabelMatcher.parse(#"cluster=~"x|pegasus""#).matches(labels))
            #expect(try LabelMatcher.parse(#"cluster=~"x|pegasus-a""#).matches(labels))
        }

        @Test func quotedValuesTakeEscapes() throws {
            let matcher = try LabelMatcher.parse(#"summary="say \"hi\"\\\n""#)
            #expect(matcher.value == "say \"hi\"\\\n")
            #expect(matcher.description == #"summary="say \"hi\"\\\n""#)
            #expect(try LabelMatcher.parse(matcher.description) == matcher, "description parses back")
            #expect(try LabelMatcher.parse(#"a="x,}y""#).value == "x,}y")
        }

        @Test func listsMustAllHold() throws {
            let matchers = try LabelMatcher.parseList(#"{alertname="NodeDown", cluster=~"pegasus-.*" , node!="replica-2"}"#)
            #expect(matchers.count == 3)
            #expect(LabelMatcher.all(matchers, match: labels))
            #expect(!LabelMatcher.all(matchers, match: labels.merging(["node": "replica-2"]) { $1 }))
            #expect(try LabelMatcher.parseList(#"alertname="NodeDown",cluster="pegasus-a""#).count == 2)
        }

        @Test func errorsSayWhereAndWhat() {
            func error(_ text: String) -> LabelMatcherError? {
                do {
                    _ = try LabelMatcher.parse(text)
                    return nil
                } catch {
                    return error
                }
            }
            #expect(error(#"cluster~"x""#) == LabelMatcherError(.expectedOperator, at: 8))
            #expect(error(#"1node="x""#) == LabelMatcherError(.expectedName, at: 1))
            #expect(error(#"node="x"#) == LabelMatcherError(.unterminatedValue, at: 6))
            #expect(error(#"node="a\tb""#) == LabelMatcherError(.badEscape("t"), at: 8))
            #expect(error(#"node="x" y"#) == LabelMatcherError(.trailingText, at: 10))
            #expect(error(#"node=~"(a+)+""#)?.problem == .nestedQuantifier)
            #expect(error(#"node=~"((ab)*c)*""#)?.problem == .nestedQuantifier)
            if case .badRegex = error(#"node=~"(""#)?.problem {} else { Issue.record("an unclosed group is not a regex") }
            #expect(error("node=~\"\(String(repeating: "a", count: 600))\"")?.problem == .tooLong(limit: LabelMatcher.maximumLength))
            #expect("\(LabelMatcherError(.expectedOperator, at: 8))" == "matcher, character 8: expected one of = != =~ !~")
            #expect(throws: LabelMatcherError(.emptyList, at: 1)) { try LabelMatcher.parseList("{}") }
            // Plain repetition is fine, and so is a repeated group without one inside.
            #expect(error(#"node=~"(ab)+c*[a+]+""#) == nil)
        }

        @Test func templatesInsertLabelsAsDataOnly() throws {
            let template = try AlertTemplate("{{ labels.cluster }}/{{annotations.summary}}!", parameter: "target")
            #expect(try template.render(labels: ["cluster": "{{ labels.cluster }}"], annotations: ["summary": "s"], parameter: "target")
                == "{{ labels.cluster }}/s!", "a value that looks like a template stays text")
            #expect(throws: AlertTemplateError.missing(namespace: .annotations, name: "summary", parameter: "target")) {
                try template.render(labels: ["cluster": "c"], annotations: [:], parameter: "target")
            }
            #expect(throws: AlertTemplateError.self) { try AlertTemplate("{{ labels.cluster", parameter: "p") }
            #expect(throws: AlertTemplateError.self) { try AlertTemplate("{{ env.HOME }}", parameter: "p") }
            #expect(throws: AlertTemplateError.self) { try AlertTemplate("{{ labels.a | upper }}", parameter: "p") }
            #expect(try AlertTemplate("plain", parameter: "p").render(labels: [:], annotations: [:], parameter: "p") == "plain")
        }
    }
}
