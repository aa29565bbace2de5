import Foundation
import Testing
@testable import WardenCore
import WardenTesting

@Suite("Templates: holes are shell-quoted unless raw")
struct TemplateTests {
    private let start = SourceLocation(file: "rb.yaml", line: 7, column: 10)

    private func render(_ text: String, _ params: [String: Value]) throws -> String {
        try Template.parse(text, at: start).render(in: ExpressionEnvironment(variables: ["params": .map(params)]))
    }

    private func failure(_ text: String, _ params: [String: Value] = [:]) -> String? {
        do {
            _ = try render(text, params)
            return nil
        } catch let error as LocatedError {
            return error.description
        } catch {
            return "\(error)"
        }
    }

    @Test func textWithoutHolesIsUnchanged() throws {
        #expect(try render("uptime; df -h /data | tail -n 1", [:]) == "uptime; df -h /data | tail -n 1")
    }

    @Test(arguments: [
        ("x; rm -rf /", "'x; rm -rf /'"),
        ("$(id)", "'$(id)'"),
        ("`id`", "'`id`'"),
        ("it's", "'it'\\''s'"),
        ("", "''"),
        ("a\nb", "'a\nb'"),
        ("127.0.0.1:34601,127.0.0.2:34601", "127.0.0.1:34601,127.0.0.2:34601"),
    ])
    func hostileValuesBecomeOneWord(value: String, rendered: String) throws {
        #expect(try render("echo {{ params.v }}", ["v": .string(value)]) == "echo \(rendered)")
    }

    @Test func aRealShellSeesTheValueAsOneLiteralWord() async throws {
        let hostile = "x'; touch /tmp/warden-pwned; echo '$(id) `id` \"q\" \\ end"
        let line = try render("printf %s {{ params.v }}", ["v": .string(hostile)])
        let output: String = try await onDedicatedThread {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", line]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        #expect(output == hostile)
    }

    @Test func scalarsListsAndDurationsRender() throws {
        let params: [String: Value] = [
            "n": .int(2000), "f": .double(0.5), "b": .bool(true), "d": .duration(.seconds(90)),
            "hosts": .list([.string("a b"), .string("c")]),
        ]
        #expect(try render("x {{ params.n }} {{ params.f }} {{ params.b }} {{ params.d }} {{ params.hosts }}", params)
            == "x 2000 0.5 true 1m30s 'a b' c")
        #expect(try render("x {{ params.n * 2 }}", params) == "x 4000")
    }

    @Test func rawHolesInsertTextUnquotedAndAreFlaggedWhenTheyReadParams() throws {
        let template = try Template.parse("echo cluster_info | {{ raw params.shell }} --cluster {{ params.meta }}", at: start)
        let environment = ExpressionEnvironment(variables: ["params": .map([
            "shell": .string("./run.sh shell"), "meta": .string("127.0.0.1:34601"),
        ])])
        #expect(try template.render(in: environment) == "echo cluster_info | ./run.sh shell --cluster 127.0.0.1:34601")
        #expect(template.rawHolesReadingValues.map(\.text) == ["params.shell"])
        #expect(template.holes.map(\.form) == [.raw, .quoted])
        #expect(try Template.parse("{{ raw \"}}\" }}", at: start).rawHolesReadingValues.isEmpty)
    }

    @Test func aSecretFileHolePutsOnlyTheFilesPathInTheLineAndTheValueBesideIt() throws {
        let template = try Template.parse(
            "tool --password-file={{ secret_file params.token }} --user {{ params.user }} < {{ secret_file params.key }}", at: start)
        let secret = "it's $(id)\nline 2"
        let environment = ExpressionEnvironment(variables: ["params": .map([
            "token": .string(secret), "user": .string("ops admin"), "key": .int(42),
        ])])
        let rendered = try template.renderCommand(in: environment)
        #expect(rendered.line == #"tool --password-file="${WARDEN_SECRETS:?}/1" --user 'ops admin' < "${WARDEN_SECRETS:?}/2""#)
        #expect(rendered.secretFiles == [secret, "42"], "the value exactly, no newline added")
        #expect(try template.render(in: environment) == rendered.line, "what is shown and hashed is the line, without the secret")
        #expect(template.holes.map(\.form) == [.secretFile, .quoted, .secretFile])
        #expect(template.secretFileHoles.map(\.text) == ["params.token", "params.key"])
        #expect(template.rawHolesReadingValues.isEmpty)
        // Text that no shell reads (a lock name, a path) has no file to point at.
        #expect(throws: LocatedError.self) { try template.renderText(in: environment) }
    }

    @Test func aSecretFileTakesOneValue() {
        #expect(failure("cat {{ secret_file params.v }}", ["v": .list([.string("a"), .string("b")])])?
            .hasPrefix("rb.yaml:7:29: error: 'params.v' is a list; secret_file writes one value to one file") == true)
        #expect(failure("cat {{ secret_file params.v }}", ["v": .null])?.hasPrefix("rb.yaml:7:29: error: 'params.v' is null") == true)
        #expect(failure("cat {{ secret_file   }}") == "rb.yaml:7:14: error: '{{ secret_file }}' needs an expression; e.g. {{ secret_file params.name }}")
    }

    @Test func bracesInsideQuotedStringsDoNotCloseAHole() throws {
        #expect(try render("echo {{ \"}}\" }}", [:]) == "echo '}}'")
    }

    @Test func errorsPointIntoTheFile() {
        #expect(failure("echo {{ params.v") == "rb.yaml:7:15: error: '{{' is never closed with '}}'")
        #expect(failure("echo }} x") == "rb.yaml:7:15: error: '}}' without an opening '{{'; write a literal '}}' as {{ raw \"}}\" }}")
        #expect(failure("echo {{   }}")?.hasPrefix("rb.yaml:7:15: error: empty '{{ }}'") == true)
        #expect(failure("echo {{ params.v }}", ["v": .null])?.hasPrefix("rb.yaml:7:18: error: 'params.v' is null") == true)
        #expect(failure("echo {{ params.v }}", ["v": .map(["name": .string("x")])])?.hasPrefix("rb.yaml:7:18: error: 'params.v' is a map") == true)
        // The expression's own errors keep their place: 'nme' starts at column 25.
        let missing = failure("echo {{ params.nme }}", ["name": .string("x")])
        #expect(missing?.hasPrefix("rb.yaml:7:25:") == true, "\(missing ?? "no error")")
    }
}
