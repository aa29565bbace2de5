import Foundation

/// The runbooks `warden serve` offers: every `*.yaml` / `*.yml` file in the
/// configured folders (not below them), by the name each declares. A
/// runbook that does not load, or a name two files claim, is a problem of
/// the config: the daemon refuses to start (or to reload) rather than offer a
/// catalog with holes nobody noticed.
public struct RunbookCatalog: Sendable {
    /// Loaded runbooks by name.
    public let runbooks: [String: Runbook]
    /// What stops the catalog from being used, each with its place.
    public let problems: [LocatedError]

    public init(runbooks: [String: Runbook], problems: [LocatedError] = []) {
        self.runbooks = runbooks
        self.problems = problems
    }

    /// The names in order, for listings.
    public var names: [String] { runbooks.keys.sorted() }

    public subscript(name: String) -> Runbook? { runbooks[name] }

    public static func load(folders: [String]) -> RunbookCatalog {
        var runbooks: [String: Runbook] = [:]
        var problems: [LocatedError] = []
        for folder in folders {
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: folder)
            } catch {
                problems.append(LocatedError("runbook folder '\(folder)' cannot be read: \(error.localizedDescription)"))
                continue
            }
            for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
                let path = (folder as NSString).appendingPathComponent(name)
                let loaded = Runbook.load(path: path)
                problems += loaded.errors.map(\.problem)
                // A rules file is part of the runbooks that use it, not one to offer.
                guard let runbook = loaded.runbook, !runbook.isRules else { continue }
                if let other = runbooks[runbook.name] {
                    problems.append(LocatedError("runbook name '\(runbook.name)' is also the name of \(other.file); each runbook of the catalog needs its own",
                                                 at: SourceLocation(file: path, line: 1, column: 1)))
                    continue
                }
                runbooks[runbook.name] = runbook
            }
        }
        return RunbookCatalog(runbooks: runbooks, problems: problems)
    }
}
