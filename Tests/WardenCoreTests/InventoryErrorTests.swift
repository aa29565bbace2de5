import Testing
@testable import WardenCore

@Suite struct InventoryErrorTests {
    private func errors(_ yaml: String) -> [String] {
        InventoryFixtures.errors(yaml)
    }

    @Test func everyErrorInAFileIsReportedInFileOrder() {
        let yaml = """
            defaults:
              port: abc
              connect_timeout: 10
            hosts:
              meta-1:
                adress: 127.0.0.2
                agent: maybe
                host_key: SHA256:short
                groups: [web, "bad name"]
              meta-2:
                port: 70000
                vars: [1, 2]
              all:
              web:
            groups:
              db:
                hosts: [meta-1, meta-3]
                children: [dbs-east]
                colour: red

            """
        #expect(errors(yaml) == [
            "inv.yaml:2:9: error: port must be an integer 1...65535, got 'abc'",
            "inv.yaml:3:20: error: connect_timeout: duration '10' has no unit; add one of ms, s, m, h, like '500ms', '10s' or '1h30m'",
            "inv.yaml:6:5: error: unknown key 'adress' in host 'meta-1'; did you mean 'address'?",
            "inv.yaml:7:12: error: agent must be true or false, got 'maybe'",
            "inv.yaml:8:15: error: host_key must be 'SHA256:' followed by 43 base64 characters, got 'SHA256:short'; 'ssh-keyscan HOST | ssh-keygen -lf -' prints it",
            "inv.yaml:9:19: error: invalid group name 'bad name'; names may only contain letters, digits, '.', '_' and '-' (groups in host 'meta-1')",
            "inv.yaml:11:11: error: port must be an integer 1...65535, got '70000'",
            "inv.yaml:12:11: error: vars must be a mapping, got a list",
            "inv.yaml:13:3: error: 'all' cannot be a host name; it is reserved for every host",
            "inv.yaml:14:3: error: host 'web' has the same name as a group (line 9, column 14); host and group names must differ",
            "inv.yaml:17:21: error: group 'db' lists unknown host 'meta-3'; did you mean 'meta-1'?",
            "inv.yaml:18:16: error: group 'db' has unknown child group 'dbs-east'",
            "inv.yaml:19:5: error: unknown key 'colour' in group 'db'; a group has only 'hosts', 'children', 'vars', 'host_state_dir', 'become' and 'jump'",
        ])
    }

    @Test func theThrownErrorCarriesStructuredErrors() throws {
        do {
            _ = try Inventory.parse(
                yaml: "hosts:\n  a: {port: 0}\n", file: "inv.yaml", baseDirectory: "/", environment: [:])
            Issue.record("loaded")
        } catch {
            #expect(error.errors == [LocatedError(
                "port must be an integer 1...65535, got '0'",
                at: SourceLocation(file: "inv.yaml", line: 2, column: 13))])
            #expect(error.description == "inv.yaml:2:13: error: port must be an integer 1...65535, got '0'")
        }
    }

    // MARK: YAML itself

    @Test func yamlSyntaxErrorsPointAtTheProblem() {
        #expect(errors("hosts:\n  a: {port: 22\n  b:\n") == [
            "inv.yaml:3:4: error: invalid YAML: did not find expected ',' or '}' (while parsing a flow mapping at line 2, column 6)",
        ])
        #expect(errors("hosts:\n  a: b: c\n") == [
            "inv.yaml:2:7: error: invalid YAML: mapping values are not allowed in this context",
        ])
    }

    @Test func tabsGetAHint() {
        #expect(errors("hosts:\n  a:\n\tport: 22\n") == [
            "inv.yaml:3:1: error: invalid YAML: found character that cannot start any token (while scanning for the next token at line 3, column 1); YAML indents with spaces, not tabs",
        ])
    }

    @Test func aSecondDocumentIsAnError() {
        #expect(errors("hosts: {a: }\n---\nhosts: {b: }\n") == [
            "inv.yaml:2:1: error: the file must hold a single YAML document, but another one starts here",
        ])
    }

    @Test func aDuplicateHostIsReportedWhereItRepeats() {
        let yaml = """
            hosts:
              meta-1:
                port: 2201
              meta-2:
              meta-1:
                port: 2202

            """
        #expect(errors(yaml) == ["inv.yaml:5:3: error: duplicate key 'meta-1' (first defined at line 2, column 3)"])
    }

    @Test func aDuplicateInFlowStyleIsReportedAtTheFirstCopy() {
        #expect(errors("hosts: {a: {}, b: {}, a: {}}\n") == [
            "inv.yaml:1:9: error: key 'a' appears more than once in this mapping",
        ])
    }

    @Test func keysThatOnlyCollideAsTextAreDuplicatesToo() {
        // Keys are text to Warden (YAMLDocument types plain keys only to find merge keys), so
        // the parser's own check sees `1` and '1' as the same key, as it sees `a` and `a`.
        #expect(errors("hosts:\n  1: {}\n  '1': {}\n") == [
            "inv.yaml:2:3: error: key '1' appears more than once in this mapping",
        ])
    }

    @Test func duplicateSettingsInAHostAreReported() {
        #expect(errors("hosts:\n  a:\n    port: 1\n    user: x\n    port: 2\n") == [
            "inv.yaml:5:5: error: duplicate key 'port' (first defined at line 3, column 5)",
        ])
    }

    // MARK: Shape

    @Test func hostsMustExistAndHoldHosts() {
        #expect(errors("defaults: {port: 22}\n") == ["inv.yaml:1:1: error: missing 'hosts'; an inventory needs at least one host"])
        #expect(errors("hosts:\n") == ["inv.yaml:1:7: error: 'hosts' is empty; an inventory needs at least one host"])
        #expect(errors("hosts: {}\n") == ["inv.yaml:1:8: error: 'hosts' is empty; an inventory needs at least one host"])
        #expect(errors("hosts: [a, b]\n") == [
            "inv.yaml:1:8: error: 'hosts' must be a mapping of host names to their settings, got a list",
        ])
        #expect(errors("hosts:\n  a: 10.0.0.1\n") == [
            "inv.yaml:2:6: error: host 'a' must be a mapping of settings, got '10.0.0.1'; write the address as 'address: ...' under the host",
        ])
    }

    @Test func unknownTopLevelKeysGetHints() {
        #expect(errors("host:\n  a:\n") == [
            "inv.yaml:1:1: error: unknown top-level key 'host'; did you mean 'hosts'?",
            "inv.yaml:1:1: error: missing 'hosts'; an inventory needs at least one host",
        ])
        #expect(errors("hosts: {a: }\nvariables: {}\n") == [
            "inv.yaml:2:1: error: unknown top-level key 'variables'; an inventory has only 'defaults', 'hosts' and 'groups'",
        ])
    }

    @Test func hostOnlyKeysAreRefusedInDefaults() {
        #expect(errors("defaults:\n  address: x\n  prot: 22\nhosts: {a: }\n") == [
            "inv.yaml:2:3: error: 'address' cannot be set in defaults; it describes a single machine; set it on each host",
            "inv.yaml:3:3: error: unknown key 'prot' in defaults; did you mean 'port'?",
        ])
    }

    @Test func sectionsMustBeMappings() {
        #expect(errors("defaults: [1]\nhosts: {a: }\ngroups: x\n") == [
            "inv.yaml:1:11: error: 'defaults' must be a mapping, got a list",
            "inv.yaml:3:9: error: 'groups' must be a mapping of group names to their settings, got 'x'",
        ])
        #expect(errors("hosts: {a: }\ngroups:\n  g: [a]\n") == [
            "inv.yaml:3:6: error: group 'g' must be a mapping with 'hosts', 'children' or 'vars', got a list",
        ])
    }

    // MARK: Values

    @Test func wrongTypesNameWhatWasFound() {
        let yaml = """
            hosts:
              a:
                user: [root]
                address: "two words"
                port: "22"
                agent: 1
                connect_timeout: 0s
                identity_file: ~
                known_hosts: ~bob/kh
                groups: {x: 1}
              b:
                connect_timeout: soon
                groups: [[x]]
                passphrase_env: my secret passphrase

            """
        #expect(errors(yaml) == [
            "inv.yaml:3:11: error: user must be a string, got a list",
            "inv.yaml:4:14: error: address must not contain spaces, got 'two words'",
            "inv.yaml:5:11: error: port must be an integer 1...65535, got '22'",
            "inv.yaml:6:12: error: agent must be true or false, got '1'",
            "inv.yaml:7:22: error: connect_timeout must be more than zero, got '0s'",
            "inv.yaml:8:20: error: identity_file must be a string, got null; quote it ('~') to mean the home folder",
            "inv.yaml:9:18: error: known_hosts: '~bob/kh': only '~' and '~/...' are supported, not another user's '~name'",
            "inv.yaml:10:13: error: groups must be a group name or a list of them, got a mapping",
            "inv.yaml:12:22: error: connect_timeout: invalid duration 'soon'; expected a number with a unit (ms, s, m, h), like '500ms', '10s' or '1h30m'",
            "inv.yaml:13:14: error: each entry of groups must be a group name, got a list",
            // The value is not repeated: it may be the passphrase itself.
            "inv.yaml:14:21: error: passphrase_env must be the name of an environment variable (letters, digits and '_', not starting with a digit); put the passphrase in that variable, never in the inventory",
        ])
    }

    @Test(arguments: [
        "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuF=",
        "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFUx",
        "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuF",
        "MD5:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU",
        "SHA256:47DEQpj8HBSa-_TImW+5JCeuQeRkm5NMpJWZG3hSuFU",
    ])
    func malformedFingerprintsAreRejected(fingerprint: String) {
        #expect(errors("hosts:\n  a: {host_key: '\(fingerprint)'}\n") == [
            "inv.yaml:2:17: error: host_key must be 'SHA256:' followed by 43 base64 characters, got '\(fingerprint)'; 'ssh-keyscan HOST | ssh-keygen -lf -' prints it",
        ])
    }

    @Test func invalidNamesAreRejected() {
        #expect(errors("hosts:\n  'web 1': {}\n  ok: {}\ngroups:\n  all: {}\n  'a/b': {children: ['c d']}\n") == [
            "inv.yaml:2:3: error: invalid host name 'web 1'; names may only contain letters, digits, '.', '_' and '-'",
            "inv.yaml:5:3: error: 'all' cannot be a group name; it is reserved for every host",
            "inv.yaml:6:3: error: invalid group name 'a/b'; names may only contain letters, digits, '.', '_' and '-'",
            "inv.yaml:6:22: error: invalid group name 'c d'; names may only contain letters, digits, '.', '_' and '-' (children in group 'a/b')",
        ])
    }

    @Test func mergeKeysAreRefused() {
        #expect(errors("hosts:\n  a: &base {port: 22}\n  b:\n    <<: *base\n") == [
            "inv.yaml:4:5: error: YAML merge keys ('<<') are not supported; write the keys out, or share them through defaults and group vars",
        ])
    }

    // MARK: References

    @Test func aHostNamedLikeADefinedGroupIsAnError() {
        #expect(errors("hosts:\n  a: {}\n  web: {}\ngroups:\n  web: {hosts: [a]}\n") == [
            "inv.yaml:3:3: error: host 'web' has the same name as a group (line 5, column 3); host and group names must differ",
        ])
    }

    @Test func groupCyclesAreReportedWhereTheyClose() {
        let yaml = """
            hosts: {a: {groups: [x]}}
            groups:
              x: {children: [y]}
              y: {children: [z]}
              z: {children: [x]}
              self: {children: [self]}

            """
        #expect(errors(yaml) == [
            "inv.yaml:5:18: error: group cycle through children: x -> y -> z -> x",
            "inv.yaml:6:21: error: group cycle through children: self -> self",
        ])
    }

    @Test func unknownReferencesGetHints() {
        let yaml = """
            hosts: {web-1: {}, web-2: {}}
            groups:
              web: {hosts: [web-3, web-1], children: [webs]}
              webs: {hosts: [wbe-1]}

            """
        #expect(errors(yaml) == [
            "inv.yaml:3:17: error: group 'web' lists unknown host 'web-3'; did you mean 'web-1'?",
            "inv.yaml:4:18: error: group 'webs' lists unknown host 'wbe-1'; did you mean 'web-1'?",
        ])
    }

    @Test func errorsStopBeingListedAfterAHundred() {
        var yaml = "hosts:\n  a:\n"
        for index in 0..<150 {
            yaml += "    key\(index): 1\n"
        }
        let found = errors(yaml)
        #expect(found.count == 101)
        #expect(found.first == "inv.yaml:3:5: error: unknown key 'key0' in host 'a'")
        #expect(found.last == "error: too many errors; 50 more not shown")
    }
}
