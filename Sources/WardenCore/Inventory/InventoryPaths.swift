/// Turns the paths written in an inventory into absolute ones: `~` is the
/// home folder, and relative paths are relative to the inventory file's
/// folder, so an inventory means the same whatever the working directory.
struct InventoryPaths {
    let baseDirectory: String
    /// nil when neither HOME nor the password database knows it; only an
    /// error if a path actually uses `~`.
    let home: String?

    /// Throws a `LocatedError` without a location; the caller knows which
    /// YAML value the path came from.
    func resolve(_ raw: String) throws(LocatedError) -> String {
        guard !raw.isEmpty else { throw LocatedError("path is empty") }
        if raw == "~" || raw.hasPrefix("~/") {
            guard let home else {
                throw LocatedError("cannot expand '~' in '\(raw)': HOME is not set and the user has no home folder")
            }
            return InventoryPaths.normalize(home + "/" + raw.dropFirst())
        }
        if raw.hasPrefix("~") {
            throw LocatedError(
                "'\(raw)': only '~' and '~/...' are supported, not another user's '~name'")
        }
        if raw.hasPrefix("/") {
            return InventoryPaths.normalize(raw)
        }
        return InventoryPaths.normalize(baseDirectory + "/" + raw)
    }

    /// Removes `.`, `..` and repeated slashes without touching the file
    /// system, so the result does not depend on what exists right now.
    static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            switch part {
            case ".":
                continue
            case "..":
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else if !absolute {
                    parts.append(part)
                }
            default:
                parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// The folder holding `file`, made absolute against `workingDirectory`.
    static func directory(of file: String, workingDirectory: String) -> String {
        let absolute = file.hasPrefix("/") ? file : workingDirectory + "/" + file
        return normalize(normalize(absolute) + "/..")
    }
}
