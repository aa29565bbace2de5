import Foundation
import Testing
@testable import WardenCore

@Suite struct InventoryLoadingTests {
    // Line numbers matter: other tests point at them.
    static let example = """
        defaults:
          user: deploy
          port: 2222
          identity_file: keys/deploy_ed25519
          passphrase_env: WARDEN_KEY_PASSPHRASE
          known_hosts: ~/.ssh/warden_known_hosts
          connect_timeout: 5s
          vars:
            env: production
            tier: default
            ntp: pool.ntp.org
        hosts:
          meta-1:
            address: 127.0.0.2
            port: 2201
            groups: [pegasus-meta]
            host_key: "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"
            vars: {tier: host}
          meta-2:
            address: 127.0.0.3
            user: root
            agent: true
            agent_socket: /run/agent.sock
            connect_timeout: 1h30m
          data-1:
            identity_file: /etc/warden/../keys/data_key
            known_hosts: ../shared/known_hosts
            groups: pegasus-data
          edge-1:
        groups:
          pegasus:
            children: [pegasus-meta, pegasus-data]
            vars: {tier: pegasus, cluster: pegasus}
          pegasus-meta:
            hosts: [meta-2]
            children: [pegasus-meta-east]
            vars: {tier: meta, role: metadata}
          pegasus-meta-east:
            hosts: [meta-1]
            vars: {role: meta-east}
          pegasus-data:
            vars: {role: data}
          edge:
            hosts: [edge-1]

        """

    @Test func hostsKeepFileOrder() throws {
        let inventory = try InventoryFixtures.load(Self.example)
        #expect(inventory.hosts.map(\.name) == ["meta-1", "meta-2", "data-1", "edge-1"])
    }

    @Test func hostSettingsOverrideDefaults() throws {
        let inventory = try InventoryFixtures.load(Self.example)
        let meta1 = try InventoryFixtures.host("meta-1", in: inventory)
        #expect(meta1 == InventoryHost(
            name: "meta-1",
            address: "127.0.0.2",
            port: 2201,
            user: "deploy",
            auth: .keyFile(path: "/etc/warden/keys/deploy_ed25519", passphraseEnv: "WARDEN_KEY_PASSPHRASE"),
            hostKey: .pinned(fingerprint: "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"),
            connectTimeout: .seconds(5),
            groups: ["pegasus", "pegasus-meta", "pegasus-meta-east"],
            vars: [
                "env": .string("production"), "ntp": .string("pool.ntp.org"), "tier": .string("host"),
                "cluster": .string("pegasus"), "role": .string("meta-east"),
            ],
            location: SourceLocation(file: "inv.yaml", line: 13, column: 3)))

        let meta2 = try InventoryFixtures.host("meta-2", in: inventory)
        #expect(meta2 == InventoryHost(
            name: "meta-2",
            address: "127.0.0.3",
            port: 2222,
            user: "root",
            auth: .agent(socket: "/run/agent.sock"),
            hostKey: .knownHosts(path: "/home/tester/.ssh/warden_known_hosts"),
            connectTimeout: .seconds(5400),
            groups: ["pegasus", "pegasus-meta"],
            vars: [
                "env": .string("production"), "ntp": .string("pool.ntp.org"), "tier": .string("meta"),
                "cluster": .string("pegasus"), "role": .string("metadata"),
            ],
            location: SourceLocation(file: "inv.yaml", line: 19, column: 3)))
    }

    @Test func pathsResolveAgainstTheInventoryFolderAndHome() throws {
        let inventory = try InventoryFixtures.load(Self.example)
        let data1 = try InventoryFixtures.host("data-1", in: inventory)
        #expect(data1.auth == .keyFile(path: "/etc/keys/data_key", passphraseEnv: "WARDEN_KEY_PASSPHRASE"))
        #expect(data1.hostKey == .knownHosts(path: "/etc/shared/known_hosts"))
        #expect(data1.address == "data-1")
        #expect(data1.groups == ["pegasus", "pegasus-data"])
    }

    @Test func aHostWithNoSettingsGetsAllDefaults() throws {
        let inventory = try InventoryFixtures.load(Self.example)
        let edge = try InventoryFixtures.host("edge-1", in: inventory)
        #expect(edge.address == "edge-1")
        #expect(edge.port == 2222)
        #expect(edge.user == "deploy")
        #expect(edge.auth == .keyFile(path: "/etc/warden/keys/deploy_ed25519", passphraseEnv: "WARDEN_KEY_PASSPHRASE"))
        #expect(edge.hostKey == .knownHosts(path: "/home/tester/.ssh/warden_known_hosts"))
        #expect(edge.connectTimeout == .seconds(5))
        #expect(edge.groups == ["edge"])
        #expect(edge.vars == ["env": .string("production"), "tier": .string("default"), "ntp": .string("pool.ntp.org")])
    }

    @Test func groupsListEveryMemberIncludingThoseOfChildren() throws {
        let inventory = try InventoryFixtures.load(Self.example)
        #expect(inventory.groups.keys.sorted() == ["edge", "pegasus", "pegasus-data", "pegasus-meta", "pegasus-meta-east"])
        let pegasus = try #require(inventory.groups["pegasus"])
        #expect(pegasus.hosts == ["meta-1", "meta-2", "data-1"])
        #expect(pegasus.children == ["pegasus-meta", "pegasus-data"])
        #expect(pegasus.vars == ["tier": .string("pegasus"), "cluster": .string("pegasus")])
        #expect(pegasus.location == SourceLocation(file: "inv.yaml", line: 31, column: 3))
        #expect(inventory.groups["pegasus-meta"]?.hosts == ["meta-1", "meta-2"])
        #expect(inventory.groups["pegasus-data"]?.hosts == ["data-1"])
    }

    @Test func builtInDefaultsApplyWithoutADefaultsSection() throws {
        let inventory = try InventoryFixtures.load("hosts:\n  solo:\n")
        #expect(inventory.hosts == [InventoryHost(
            name: "solo",
            address: "solo",
            port: 22,
            user: "tester",
            auth: .keyFile(path: "/home/tester/.ssh/id_ed25519", passphraseEnv: nil),
            hostKey: .knownHosts(path: "/home/tester/.ssh/known_hosts"),
            connectTimeout: .seconds(10),
            groups: [],
            vars: [:],
            location: SourceLocation(file: "inv.yaml", line: 2, column: 3))])
        #expect(inventory.groups.isEmpty)
    }

    @Test func groupsNamedOnlyByHostsExist() throws {
        let inventory = try InventoryFixtures.load("hosts:\n  a: {groups: web}\n  b: {groups: [web, db]}\n")
        #expect(inventory.groups["web"]?.hosts == ["a", "b"])
        #expect(inventory.groups["db"]?.hosts == ["b"])
        #expect(inventory.groups["web"]?.location == SourceLocation(file: "inv.yaml", line: 2, column: 15))
    }

    // MARK: Authentication

    private func auth(_ yaml: String, environment: [String: String] = InventoryFixtures.environment) throws -> HostAuthentication {
        try InventoryFixtures.load(yaml, environment: environment).hosts[0].auth
    }

    private let withAgent = InventoryFixtures.environment.merging(["SSH_AUTH_SOCK": "/tmp/agent.1"]) { $1 }

    @Test func agentTrueUsesTheAgentEvenWithAKeyFile() throws {
        #expect(try auth("defaults: {agent: true, identity_file: /k}\nhosts: {a: }\n") == .agent(socket: nil))
        #expect(try auth("hosts: {a: {agent: yes, agent_socket: ~/agent.sock}}\n") == .agent(socket: "/home/tester/agent.sock"))
    }

    @Test func anIdentityFileWinsOverARunningAgent() throws {
        #expect(try auth("hosts: {a: {identity_file: /k, passphrase_env: PW}}\n", environment: withAgent)
            == .keyFile(path: "/k", passphraseEnv: "PW"))
    }

    @Test func aRunningAgentIsUsedWhenNothingElseIsSet() throws {
        #expect(try auth("hosts: {a: }\n", environment: withAgent) == .agent(socket: nil))
        #expect(try auth("defaults: {agent_socket: /s}\nhosts: {a: }\n", environment: withAgent) == .agent(socket: "/s"))
    }

    @Test func withoutAnAgentTheDefaultKeyIsUsed() throws {
        #expect(try auth("defaults: {passphrase_env: PW}\nhosts: {a: }\n")
            == .keyFile(path: "/home/tester/.ssh/id_ed25519", passphraseEnv: "PW"))
        let emptySocket = InventoryFixtures.environment.merging(["SSH_AUTH_SOCK": ""]) { $1 }
        #expect(try auth("hosts: {a: }\n", environment: emptySocket)
            == .keyFile(path: "/home/tester/.ssh/id_ed25519", passphraseEnv: nil))
    }

    @Test func agentFalseRefusesARunningAgent() throws {
        #expect(try auth("hosts: {a: {agent: false}}\n", environment: withAgent)
            == .keyFile(path: "/home/tester/.ssh/id_ed25519", passphraseEnv: nil))
    }

    @Test func aHostCanTurnTheDefaultAgentOff() throws {
        #expect(try auth("defaults: {agent: true}\nhosts: {a: {agent: false, identity_file: k}}\n")
            == .keyFile(path: "/etc/warden/k", passphraseEnv: nil))
    }

    // MARK: Environment

    @Test func userComesFromTheEnvironmentElseThePasswordDatabase() throws {
        let fromEnvironment = try InventoryFixtures.load("hosts: {a: }\n", environment: ["USER": "alice", "HOME": "/h"])
        #expect(fromEnvironment.hosts[0].user == "alice")

        let fromDatabase = try InventoryFixtures.load("hosts: {a: }\n", environment: ["HOME": "/h"])
        let expected = try #require(LocalAccount.userName(environment: [:]))
        #expect(!expected.isEmpty)
        #expect(fromDatabase.hosts[0].user == expected)
    }

    @Test func homeComesFromTheEnvironment() throws {
        let inventory = try InventoryFixtures.load(
            "defaults: {identity_file: ~/id, known_hosts: '~'}\nhosts: {a: }\n", environment: ["USER": "u", "HOME": "/srv/home/"])
        #expect(inventory.hosts[0].auth == .keyFile(path: "/srv/home/id", passphraseEnv: nil))
        #expect(inventory.hosts[0].hostKey == .knownHosts(path: "/srv/home"))
    }

    // MARK: Vars

    @Test func parentGroupVarsComeBeforeChildrenEvenAgainstTheAlphabet() throws {
        let yaml = """
            defaults: {vars: {x: defaults, only-defaults: 1}}
            hosts:
              h: {groups: [aaa-child]}
            groups:
              zzz-parent: {children: [aaa-child], vars: {x: parent, only-parent: 2}}
              aaa-child: {vars: {x: child}}

            """
        let host = try InventoryFixtures.load(yaml).hosts[0]
        #expect(host.groups == ["aaa-child", "zzz-parent"])
        #expect(host.vars == ["x": .string("child"), "only-defaults": .int(1), "only-parent": .int(2)])
    }

    @Test func groupsAtTheSameDepthApplyAlphabetically() throws {
        let yaml = """
            hosts:
              h: {groups: [beta, alpha], vars: {own: true}}
            groups:
              beta: {vars: {x: beta}}
              alpha: {vars: {x: alpha, y: alpha}}

            """
        let host = try InventoryFixtures.load(yaml).hosts[0]
        #expect(host.vars == ["x": .string("beta"), "y": .string("alpha"), "own": .bool(true)])
    }

    @Test func depthIsTheLongestPathFromARoot() throws {
        // mid is both a root's child and a grandchild: depth 2 (the longer
        // path), so its vars come after 'side' (depth 1) despite the alphabet.
        let yaml = """
            hosts:
              h: {groups: [mid]}
            groups:
              root: {children: [side, mid]}
              side: {children: [mid], vars: {x: side}}
              mid: {vars: {x: mid}}

            """
        let host = try InventoryFixtures.load(yaml).hosts[0]
        #expect(host.groups == ["mid", "root", "side"])
        #expect(host.vars["x"] == .string("mid"))
    }

    @Test func varsKeepTheirYamlTypes() throws {
        let yaml = "hosts:\n  a:\n    vars: {n: 3, f: 0.5, b: on, s: '3', l: [1, x], m: {k: ~}}\n"
        #expect(try InventoryFixtures.load(yaml).hosts[0].vars == [
            "n": .int(3), "f": .double(0.5), "b": .bool(true), "s": .string("3"),
            "l": .list([.int(1), .string("x")]), "m": .map(["k": .null]),
        ])
    }

    // MARK: Files

    @Test func loadReadsAFileAndResolvesPathsAgainstItsFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("warden-inv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("inventory.yaml")
        try "defaults: {identity_file: keys/id, known_hosts: ./kh}\nhosts: {a: }\n".write(to: file, atomically: true, encoding: .utf8)

        let inventory = try Inventory.load(path: file.path, environment: InventoryFixtures.environment)
        let folderPath = InventoryPaths.normalize(folder.path)
        #expect(inventory.hosts[0].auth == .keyFile(path: folderPath + "/keys/id", passphraseEnv: nil))
        #expect(inventory.hosts[0].hostKey == .knownHosts(path: folderPath + "/kh"))
        #expect(inventory.hosts[0].location == SourceLocation(file: file.path, line: 2, column: 9))
    }

    @Test func loadReportsAMissingFile() {
        #expect(throws: InventoryErrors([LocatedError("inventory file '/nonexistent/inv.yaml' does not exist")])) {
            try Inventory.load(path: "/nonexistent/inv.yaml")
        }
        #expect(throws: InventoryErrors([LocatedError("'/tmp' is a folder, not an inventory file")])) {
            try Inventory.load(path: "/tmp")
        }
    }

    @Test func pathNormalization() {
        #expect(InventoryPaths.normalize("/a/./b//c/../d/") == "/a/b/d")
        #expect(InventoryPaths.normalize("/../x") == "/x")
        #expect(InventoryPaths.normalize("a/../../b") == "../b")
        #expect(InventoryPaths.directory(of: "inv.yaml", workingDirectory: "/work/x") == "/work/x")
        #expect(InventoryPaths.directory(of: "../conf/inv.yaml", workingDirectory: "/work/x") == "/work/conf")
    }
}
