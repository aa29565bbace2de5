import Foundation

/// An OpenSSH client config file (`~/.ssh/config`, see `man ssh_config`),
/// read so that an inventory can reuse the aliases operators already have.
///
/// Only what Warden honours is kept: `HostName`, `User`, `Port`,
/// `IdentityFile`, `CertificateFile` and `ProxyJump`, in `Host` blocks
/// (patterns with `*`, `?` and `!negation`) and in included files. Options
/// that would weaken host-key checking are never obeyed; each one becomes a
/// warning, as does every `Match` block (not evaluated: its options are
/// ignored). Everything else is skipped without a word, as ssh's own options
/// for things Warden does not do.
///
/// Reading is strict where a silent misreading would send commands to the
/// wrong place (a bad port, an unknown `%` token, an unterminated quote) and
/// bounded everywhere, so hostile text gives an error, never a crash.
public struct OpenSSHConfig: Sendable, Hashable {
    /// The most bytes one line may hold (UTF-8): real configs are far below it.
    public static let maximumLineBytes = 64 * 1024
    /// How deep `Include`s may nest; deeper is taken for a file including itself.
    public static let maximumIncludeDepth = 16
    /// The largest file read, top or included: this is config, not data.
    static let maximumFileBytes = 16 * 1024 * 1024
    /// How many files one config may read in all: wide trees of includes
    /// stay below the depth limit yet could still read files without end.
    static let maximumFiles = 1000

    /// The files read: the top one first, then each included one in the order read.
    public let files: [String]
    /// Every option kept and every warning, in the order ssh would meet them.
    let entries: [Entry]

    /// The home folder of the user running Warden: where relative `Include`
    /// paths (under `~/.ssh`) and `~/` are resolved unless a caller says otherwise.
    public static var defaultHome: String {
        LocalAccount.homeDirectory(environment: ProcessInfo.processInfo.environment) ?? "/"
    }

    /// Reads config text; `file` names it in errors and warnings. `Include`d
    /// files are read now, relative paths under `home`/.ssh, so that their
    /// errors surface here rather than at first use.
    public static func parse(_ text: String, file: String, home: String = OpenSSHConfig.defaultHome) throws(OpenSSHConfigError) -> OpenSSHConfig {
        var reader = Reader(home: home)
        try reader.read(text: text, file: file, base: [], depth: 0)
        return OpenSSHConfig(files: reader.files, entries: reader.entries)
    }

    /// Reads the config file at `path` (a regular file of at most 16 MiB, UTF-8).
    public static func load(path: String, home: String = OpenSSHConfig.defaultHome) throws(OpenSSHConfigError) -> OpenSSHConfig {
        let text: String
        switch Reader.contents(of: path) {
        case let .success(contents): text = contents
        case let .failure(problem): throw OpenSSHConfigError(file: path, line: 0, column: 0, message: problem.message)
        }
        return try parse(text, file: path, home: home)
    }

    /// What the config says for `alias`, as `ssh alias` would read it: the
    /// first value of each option among the matching blocks, every matching
    /// identity and certificate file. `home` expands a leading `~/`;
    /// `localUser` stands for `%r` when no `User` is given.
    public func settings(for alias: String, home: String, localUser: String) -> SSHConfigHostSettings {
        // ssh lowercases the host it is given before matching; patterns were lowercased when read.
        let name = Array(alias.lowercased().unicodeScalars)
        var result = SSHConfigHostSettings()
        var identityFiles: [String] = []
        var certificateFiles: [String] = []
        for entry in entries where entry.conditions.allSatisfy({ Self.hostLineMatches($0, name) }) {
            switch entry.setting {
            case let .hostName(value): if result.hostName == nil { result.hostName = value }
            case let .user(value): if result.user == nil { result.user = value }
            case let .port(value): if result.port == nil { result.port = value }
            case let .proxyJump(value): if result.proxyJump == nil { result.proxyJump = value }
            case let .identityFile(value): identityFiles.append(value)
            case let .certificateFile(value): certificateFiles.append(value)
            case let .warning(option, message):
                result.warnings.append(SSHConfigWarning(file: entry.file, line: entry.line, option: option, message: message))
            }
        }
        // Tokens are expanded only now: `%r` needs the User, which may come later in the file.
        let remoteUser = result.user ?? localUser
        result.hostName = result.hostName.map { Self.expand($0, alias: alias, remoteUser: remoteUser) }
        result.identityFiles = identityFiles.map { Self.expand(Self.expandTilde($0, home: home), alias: alias, remoteUser: remoteUser) }
        result.certificateFiles = certificateFiles.map { Self.expand(Self.expandTilde($0, home: home), alias: alias, remoteUser: remoteUser) }
        return result
    }

    // MARK: What is kept

    /// One `Host` pattern, lowercased: `*` any run, `?` one character.
    struct Pattern: Sendable, Hashable {
        let negated: Bool
        let scalars: [Unicode.Scalar]
    }

    /// An option Warden honours, or a warning about one it does not; file
    /// paths and HostName keep their tokens until an alias is resolved.
    enum Setting: Sendable, Hashable {
        case hostName(String)
        case user(String)
        case port(Int)
        case identityFile(String)
        case certificateFile(String)
        case proxyJump([SSHConfigJump])
        case warning(option: String, message: String)
    }

    /// A setting and when it applies: every one of `conditions` (a `Host`
    /// line each: the enclosing block's, then an included file's own) must
    /// match. No conditions: it applies to every alias.
    struct Entry: Sendable, Hashable {
        let conditions: [[Pattern]]
        let setting: Setting
        let file: String
        let line: Int
    }

    // MARK: Matching and expanding

    /// As ssh: a negated pattern that matches rules the line out, otherwise
    /// one plain pattern must match.
    static func hostLineMatches(_ patterns: [Pattern], _ name: [Unicode.Scalar]) -> Bool {
        var matched = false
        for pattern in patterns where wildcardMatches(pattern.scalars, name) {
            if pattern.negated { return false }
            matched = true
        }
        return matched
    }

    /// Glob matching without recursion (so long patterns cannot exhaust the
    /// stack): on a mismatch, the last `*` swallows one more character.
    static func wildcardMatches(_ pattern: [Unicode.Scalar], _ name: [Unicode.Scalar]) -> Bool {
        var patternIndex = 0
        var nameIndex = 0
        var backtrack: (pattern: Int, name: Int)?
        while nameIndex < name.count {
            if patternIndex < pattern.count {
                let scalar = pattern[patternIndex]
                if scalar == "*" {
                    backtrack = (patternIndex, nameIndex)
                    patternIndex += 1
                    continue
                }
                if scalar == "?" || scalar == name[nameIndex] {
                    patternIndex += 1
                    nameIndex += 1
                    continue
                }
            }
            guard let star = backtrack else { return false }
            backtrack = (star.pattern, star.name + 1)
            patternIndex = star.pattern + 1
            nameIndex = star.name + 1
        }
        return pattern[patternIndex...].allSatisfy { $0 == "*" }
    }

    /// `%h`, `%r` and `%%`; the reader has refused every other token, so
    /// anything else cannot occur and is kept as written.
    static func expand(_ value: String, alias: String, remoteUser: String) -> String {
        var result = ""
        var scalars = value.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            guard scalar == "%" else {
                result.unicodeScalars.append(scalar)
                continue
            }
            switch scalars.next() {
            case "h": result += alias
            case "r": result += remoteUser
            case "%": result += "%"
            case let other?: result += "%" + String(other)
            case nil: result += "%"
            }
        }
        return result
    }

    /// A leading `~/` (or a lone `~`) is the home folder; `~user` is left as written.
    static func expandTilde(_ path: String, home: String) -> String {
        if path == "~" { return home }
        guard path.hasPrefix("~/") else { return path }
        let base = home.hasSuffix("/") ? String(home.dropLast()) : home
        return base + path.dropFirst()
    }
}

extension OpenSSHConfig {
    /// Reads text line by line as ssh's readconf.c does, following includes.
    private struct Reader {
        let home: String
        var entries: [Entry] = []
        var files: [String] = []

        /// A failure reading a file, placed by whoever asked for it.
        struct FileProblem: Error {
            let message: String
        }

        /// One word of a line, unquoted, and the column it starts at.
        struct Argument {
            let text: String
            let column: Int
        }

        /// The line being read, to place errors.
        struct Place {
            let file: String
            let line: Int

            func error(_ column: Int, _ message: String) -> OpenSSHConfigError {
                OpenSSHConfigError(file: file, line: line, column: column, message: message)
            }
        }

        init(home: String) {
            self.home = home
        }

        /// Reads one file's text. `base` is the condition of the `Host` block
        /// the file was included from: its lines before any `Host` line
        /// share it, and its own `Host` lines narrow it (as ssh, where an
        /// include inside a block that does not match never matches).
        mutating func read(text: String, file: String, base: [[Pattern]], depth: Int) throws(OpenSSHConfigError) {
            files.append(file)
            // nil inside a Match block: its options are read (errors still count) but not kept.
            var current: [[Pattern]]? = base
            var lineNumber = 0
            var line: [Unicode.Scalar] = []
            var lineBytes = 0
            var scalars = text.unicodeScalars.makeIterator()
            var finished = false
            while !finished {
                let next = scalars.next()
                if let scalar = next, scalar != "\n" {
                    if scalar == "\0" {
                        throw Place(file: file, line: lineNumber + 1).error(line.count + 1, "NUL byte in the config")
                    }
                    lineBytes += UTF8.width(scalar)
                    if lineBytes > OpenSSHConfig.maximumLineBytes {
                        throw Place(file: file, line: lineNumber + 1)
                            .error(line.count + 1, "line is longer than \(OpenSSHConfig.maximumLineBytes) bytes")
                    }
                    line.append(scalar)
                    continue
                }
                finished = next == nil
                lineNumber += 1
                if line.last == "\r" { line.removeLast() }
                try readLine(line, place: Place(file: file, line: lineNumber), base: base, current: &current, depth: depth)
                line.removeAll(keepingCapacity: true)
                lineBytes = 0
            }
        }

        private mutating func readLine(_ line: [Unicode.Scalar], place: Place, base: [[Pattern]], current: inout [[Pattern]]?,
                                       depth: Int) throws(OpenSSHConfigError) {
            var index = 0
            Self.skipWhitespace(line, &index)
            guard index < line.count, line[index] != "#" else { return }
            let keywordStart = index
            while index < line.count, !Self.isWhitespace(line[index]), line[index] != "=" { index += 1 }
            guard index > keywordStart else { throw place.error(keywordStart + 1, "expected a keyword before '='") }
            var keyword = String.UnicodeScalarView()
            keyword.append(contentsOf: line[keywordStart..<index])
            Self.skipWhitespace(line, &index)
            if index < line.count, line[index] == "=" {
                index += 1
            }
            let arguments = try Self.arguments(line, from: index, place: place)
            let lowered = String(keyword).lowercased()
            let keywordColumn = keywordStart + 1

            switch lowered {
            case "host":
                guard !arguments.isEmpty else { throw place.error(keywordColumn, "Host needs at least one pattern") }
                let patterns = arguments.map { argument in
                    let negated = argument.text.hasPrefix("!")
                    let text = negated ? String(argument.text.dropFirst()) : argument.text
                    return Pattern(negated: negated, scalars: Array(text.lowercased().unicodeScalars))
                }
                current = base + [patterns]
                return
            case "match":
                // Its conditions (exec, canonical, final...) are not evaluated: its options
                // are treated as never applying, and the operator is told so.
                entries.append(Entry(conditions: [], setting: .warning(option: "Match", message:
                    "Match blocks are not evaluated by Warden; its options are ignored"), file: place.file, line: place.line))
                current = nil
                return
            case "include":
                guard !arguments.isEmpty else { throw place.error(keywordColumn, "Include needs at least one file") }
                // Inside a Match block the include is as conditional as the block: not read.
                guard let condition = current else { return }
                for argument in arguments {
                    try include(argument, place: place, condition: condition, depth: depth)
                }
                return
            default:
                break
            }

            guard let setting = try Self.setting(lowered, arguments: arguments, keywordColumn: keywordColumn, place: place),
                  let condition = current else { return }
            entries.append(Entry(conditions: condition, setting: setting, file: place.file, line: place.line))
        }

        // MARK: Options

        /// The setting a line makes, nil for an option Warden skips.
        private static func setting(_ keyword: String, arguments: [Argument], keywordColumn: Int,
                                    place: Place) throws(OpenSSHConfigError) -> Setting? {
            switch keyword {
            case "hostname":
                let value = try single("HostName", arguments, keywordColumn, place)
                try checkTokens(value, allowed: ["h", "%"], option: "HostName", place: place)
                return .hostName(value.text)
            case "user":
                return .user(try single("User", arguments, keywordColumn, place).text)
            case "port":
                let value = try single("Port", arguments, keywordColumn, place)
                guard let port = port(value.text) else {
                    throw place.error(value.column, "Port must be a number from 1 to 65535, got '\(value.text)'")
                }
                return .port(port)
            case "identityfile":
                let value = try single("IdentityFile", arguments, keywordColumn, place)
                try checkTokens(value, allowed: ["h", "r", "%"], option: "IdentityFile", place: place)
                return .identityFile(value.text)
            case "certificatefile":
                let value = try single("CertificateFile", arguments, keywordColumn, place)
                try checkTokens(value, allowed: ["h", "r", "%"], option: "CertificateFile", place: place)
                return .certificateFile(value.text)
            case "proxyjump":
                return .proxyJump(try jumps(single("ProxyJump", arguments, keywordColumn, place), place: place))
            case "stricthostkeychecking":
                let value = try single("StrictHostKeyChecking", arguments, keywordColumn, place, allowEmpty: true)
                // ssh takes `false` for `no`; `yes`, `ask` and anything else only make checking stricter.
                guard ["no", "false", "off", "accept-new"].contains(value.text.lowercased()) else { return nil }
                return .warning(option: "StrictHostKeyChecking", message: "'StrictHostKeyChecking \(value.text)' is not obeyed: "
                    + "Warden always checks host keys against the inventory's known_hosts or pinned fingerprint")
            case "userknownhostsfile", "globalknownhostsfile":
                let option = keyword == "userknownhostsfile" ? "UserKnownHostsFile" : "GlobalKnownHostsFile"
                guard !arguments.isEmpty else { throw place.error(keywordColumn, "\(option) needs a value") }
                return .warning(option: option, message: "not obeyed: Warden uses only the inventory's known_hosts file")
            case "proxycommand":
                guard let first = arguments.first else { throw place.error(keywordColumn, "ProxyCommand needs a value") }
                if arguments.count == 1, first.text.lowercased() == "none" { return nil }
                return .warning(option: "ProxyCommand", message: "not run: Warden never runs a local command to connect; use ProxyJump")
            case "hostkeyalias":
                _ = try single("HostKeyAlias", arguments, keywordColumn, place)
                return .warning(option: "HostKeyAlias", message: "not obeyed: Warden checks the host key under the host's own name")
            case "verifyhostkeydns":
                let value = try single("VerifyHostKeyDNS", arguments, keywordColumn, place, allowEmpty: true)
                guard ["yes", "true"].contains(value.text.lowercased()) else { return nil }
                return .warning(option: "VerifyHostKeyDNS", message: "not obeyed: Warden does not take host keys from DNS")
            default:
                // CheckHostIP and every option for something Warden does not do.
                return nil
            }
        }

        /// The one value an option takes: ssh also refuses anything after it.
        private static func single(_ option: String, _ arguments: [Argument], _ keywordColumn: Int, _ place: Place,
                                   allowEmpty: Bool = false) throws(OpenSSHConfigError) -> Argument {
            guard let value = arguments.first else { throw place.error(keywordColumn, "\(option) needs a value") }
            guard arguments.count == 1 else {
                throw place.error(arguments[1].column, "unexpected '\(arguments[1].text)' after the value of \(option)")
            }
            guard allowEmpty || !value.text.isEmpty else { throw place.error(value.column, "\(option) needs a value") }
            return value
        }

        private static func port(_ text: some StringProtocol) -> Int? {
            // Digits only: Int("+22") would take a sign, and the count bounds the conversion.
            guard !text.isEmpty, text.count <= 5, text.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(text),
                  (1...65535).contains(port) else { return nil }
            return port
        }

        /// Refuses a `%` token other than `allowed`, naming it: expanding it
        /// to something else, or leaving it, would name the wrong file or host.
        private static func checkTokens(_ value: Argument, allowed: [Unicode.Scalar], option: String,
                                        place: Place) throws(OpenSSHConfigError) {
            let scalars = Array(value.text.unicodeScalars)
            let names = allowed.map { "%" + String($0) }
            let list = names.dropLast().joined(separator: ", ") + (names.count > 1 ? " and " : "") + (names.last ?? "")
            var index = 0
            while index < scalars.count {
                defer { index += 1 }
                guard scalars[index] == "%" else { continue }
                let column = value.column + index
                guard index + 1 < scalars.count else {
                    throw place.error(column, "'%' at the end of \(option); write %% for a percent sign")
                }
                index += 1
                guard allowed.contains(scalars[index]) else {
                    throw place.error(column, "unknown token '%\(scalars[index])' in \(option); Warden expands only \(list)")
                }
            }
        }

        /// `none`, or `[user@]host[:port]` hops separated by commas.
        private static func jumps(_ value: Argument, place: Place) throws(OpenSSHConfigError) -> [SSHConfigJump] {
            if value.text.lowercased() == "none" { return [] }
            var hops: [SSHConfigJump] = []
            var offset = 0
            for part in value.text.split(separator: ",", omittingEmptySubsequences: false) {
                let column = value.column + offset
                offset += part.unicodeScalars.count + 1
                hops.append(try jump(part, column: column, place: place))
            }
            return hops
        }

        private static func jump(_ text: Substring, column: Int, place: Place) throws(OpenSSHConfigError) -> SSHConfigJump {
            guard !text.isEmpty else { throw place.error(column, "empty hop in ProxyJump") }
            if text.lowercased().hasPrefix("ssh://") {
                throw place.error(column, "ssh:// URIs are not supported in ProxyJump; write [user@]host[:port]")
            }
            if text.lowercased() == "none" { throw place.error(column, "'none' in ProxyJump must stand alone") }
            var rest = text
            var user: String?
            // The last '@', as ssh: a user name may itself hold one.
            if let at = rest.lastIndex(of: "@") {
                guard at > rest.startIndex else { throw place.error(column, "empty user in ProxyJump hop '\(text)'") }
                user = String(rest[..<at])
                rest = rest[rest.index(after: at)...]
            }
            var host = rest
            var portText: Substring?
            if rest.hasPrefix("[") {
                guard let close = rest.firstIndex(of: "]") else { throw place.error(column, "unclosed '[' in ProxyJump hop '\(text)'") }
                host = rest[rest.index(after: rest.startIndex)..<close]
                let after = rest[rest.index(after: close)...]
                if !after.isEmpty {
                    guard after.hasPrefix(":") else { throw place.error(column, "unexpected '\(after)' after ']' in ProxyJump hop '\(text)'") }
                    portText = after.dropFirst()
                }
            } else if rest.filter({ $0 == ":" }).count == 1, let colon = rest.firstIndex(of: ":") {
                host = rest[..<colon]
                portText = rest[rest.index(after: colon)...]
            }
            // More than one ':' without brackets: an IPv6 address without a port.
            guard !host.isEmpty else { throw place.error(column, "no host in ProxyJump hop '\(text)'") }
            guard !host.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || "[]/@".unicodeScalars.contains($0) })
            else { throw place.error(column, "invalid host '\(host)' in ProxyJump") }
            var port: Int?
            if let portText {
                guard let number = Self.port(portText) else {
                    throw place.error(column, "ProxyJump port must be a number from 1 to 65535, got '\(portText)' in '\(text)'")
                }
                port = number
            }
            return SSHConfigJump(user: user, host: String(host), port: port)
        }

        // MARK: Include

        private mutating func include(_ argument: Argument, place: Place, condition: [[Pattern]], depth: Int) throws(OpenSSHConfigError) {
            guard depth + 1 <= OpenSSHConfig.maximumIncludeDepth else {
                throw place.error(argument.column, "Include nested more than \(OpenSSHConfig.maximumIncludeDepth) deep (does a file include itself?)")
            }
            let path: String
            if argument.text.hasPrefix("/") {
                path = argument.text
            } else if argument.text.hasPrefix("~/") {
                path = OpenSSHConfig.expandTilde(argument.text, home: home)
            } else {
                path = (home.hasSuffix("/") ? home : home + "/") + ".ssh/" + argument.text
            }
            for file in try Self.expandGlob(path, argument: argument, place: place) {
                guard files.count < OpenSSHConfig.maximumFiles else {
                    throw place.error(argument.column, "more than \(OpenSSHConfig.maximumFiles) config files read through Include")
                }
                let text: String
                switch Self.contents(of: file) {
                case let .success(contents): text = contents
                case let .failure(problem): throw place.error(argument.column, "cannot include '\(file)': \(problem.message)")
                }
                try read(text: text, file: file, base: condition, depth: depth + 1)
            }
        }

        /// The files a path names: itself if it exists (ssh skips a missing
        /// include silently), or the regular files matching a `*`/`?` in its
        /// last component, sorted as glob(3) sorts them.
        private static func expandGlob(_ path: String, argument: Argument, place: Place) throws(OpenSSHConfigError) -> [String] {
            let components = path.split(separator: "/", omittingEmptySubsequences: false)
            let isWild: (Substring) -> Bool = { $0.contains("*") || $0.contains("?") }
            guard let last = components.last else { return [] }
            guard !components.dropLast().contains(where: isWild) else {
                throw place.error(argument.column, "wildcards in Include are supported only in the file name, not in '\(argument.text)'")
            }
            guard isWild(last) else {
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return [] }
                if isFolder.boolValue { throw place.error(argument.column, "cannot include '\(path)': it is a folder") }
                return [path]
            }
            let folder = components.dropLast().joined(separator: "/")
            let listed = folder.isEmpty ? "/" : folder
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: listed) else { return [] }
            let pattern = Array(last.unicodeScalars)
            var matches: [String] = []
            // As glob(3): a leading dot is matched only by a leading dot.
            for name in names.sorted() where !name.hasPrefix(".") || last.hasPrefix(".") {
                guard OpenSSHConfig.wildcardMatches(pattern, Array(name.unicodeScalars)) else { continue }
                let file = folder + "/" + name
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: file, isDirectory: &isFolder), !isFolder.boolValue {
                    matches.append(file)
                }
            }
            return matches
        }

        /// A regular file's text: a device or FIFO named by mistake (or
        /// malice) must not be read without end.
        static func contents(of path: String) -> Result<String, FileProblem> {
            var info = stat()
            guard stat(path, &info) == 0 else {
                let code = errno
                let reason = strerror(code).flatMap { String(validatingCString: $0) } ?? "error \(code)"
                return .failure(FileProblem(message: "cannot read it: \(reason)"))
            }
            guard info.st_mode & S_IFMT == S_IFREG else { return .failure(FileProblem(message: "not a regular file")) }
            guard info.st_size <= OpenSSHConfig.maximumFileBytes else {
                return .failure(FileProblem(message: "larger than \(OpenSSHConfig.maximumFileBytes) bytes"))
            }
            do {
                return .success(try String(contentsOfFile: path, encoding: .utf8))
            } catch {
                return .failure(FileProblem(message: "cannot read it as UTF-8 text"))
            }
        }

        // MARK: Words

        private static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
            scalar == " " || scalar == "\t" || scalar == "\r" || scalar == "\u{0B}" || scalar == "\u{0C}"
        }

        private static func skipWhitespace(_ line: [Unicode.Scalar], _ index: inout Int) {
            while index < line.count, isWhitespace(line[index]) { index += 1 }
        }

        /// Words as ssh's argv_split makes them: whitespace separates,
        /// double or single quotes group (and may join: `a"b c"` is one
        /// word), a backslash escapes a quote, a backslash or (unquoted) a
        /// space, and a `#` starting a word ends the line.
        private static func arguments(_ line: [Unicode.Scalar], from start: Int, place: Place) throws(OpenSSHConfigError) -> [Argument] {
            var index = start
            var arguments: [Argument] = []
            while true {
                skipWhitespace(line, &index)
                guard index < line.count, line[index] != "#" else { return arguments }
                let column = index + 1
                var word = String.UnicodeScalarView()
                var quote: (scalar: Unicode.Scalar, column: Int)?
                while index < line.count {
                    let scalar = line[index]
                    if quote == nil, isWhitespace(scalar) { break }
                    if scalar == "\\", index + 1 < line.count {
                        let next = line[index + 1]
                        if next == "\"" || next == "'" || next == "\\" || (quote == nil && next == " ") {
                            word.append(next)
                            index += 2
                            continue
                        }
                    }
                    if let open = quote {
                        if scalar == open.scalar { quote = nil } else { word.append(scalar) }
                    } else if scalar == "\"" || scalar == "'" {
                        quote = (scalar, index + 1)
                    } else {
                        word.append(scalar)
                    }
                    index += 1
                }
                if let open = quote { throw place.error(open.column, "unterminated quote") }
                arguments.append(Argument(text: String(word), column: column))
            }
        }
    }
}
