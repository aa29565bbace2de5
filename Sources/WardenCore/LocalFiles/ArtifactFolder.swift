import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where `collect` puts a host's files: RUN/HOST, below the run's artifact
/// folder (`--artifacts DIR`, else STATE/artifacts/RUN).
///
/// The folders are opened and created one level at a time relative to the
/// level above (`openat` with `O_NOFOLLOW`, `mkdirat`), never by path, so a
/// link planted in a shared state folder cannot send a host's files (core
/// dumps, with whatever secrets they hold) elsewhere, and as root anywhere.
/// The run's folder and each host's folder must be the current user's own;
/// both are made 0700, so only the run's initiator can write below them. A
/// link above the run's folder is followed only when the current user or
/// root owns it (as a /home that points to /data/home): nobody else could
/// have made it.
enum ArtifactFolder {
    /// `prepare`, on a global dispatch queue: its system calls block, and
    /// the cooperative pool is only as wide as the machine has cores.
    static func prepareOffThePool(run: String, host: String) async throws(ArtifactFolderError) -> String {
        try await offThePool { () throws(ArtifactFolderError) -> String in try prepare(run: run, host: host) }
    }

    /// Opens or creates RUN/HOST as above and returns its path. Blocking.
    public static func prepare(run: String, host: String) throws(ArtifactFolderError) -> String {
        guard !host.isEmpty, host != ".", host != "..", !host.contains("/") else {
            throw ArtifactFolderError(.invalidName, "'\(host)' cannot name a folder below \(run); rename the host in the inventory")
        }
        let (folder, path, runName) = try openParent(
            of: run, noFolder: "the artifact folder \(run) does not name a folder of its own; give --artifacts a new folder's path, e.g. ./artifacts-\(host)")
        defer { close(folder) }
        let runPath = path + "/" + runName
        let runFolder = try openOwn(runName, in: folder, path: runPath, parentPath: path.isEmpty ? "/" : path)
        defer { close(runFolder) }
        let hostPath = runPath + "/" + host
        let hostFolder = try openOwn(host, in: runFolder, path: hostPath, parentPath: runPath)
        close(hostFolder)
        return hostPath
    }

    /// Opens, one level at a time from /, every folder above the last
    /// component of `given` (see `openAncestor`): the descriptor of its
    /// parent (the caller closes it), the parent's path ("" for /) and the
    /// last component's name. `noFolder` is the error for a path that names
    /// no folder of its own (`/`, `..`).
    static func openParent(of given: String, noFolder: String) throws(ArtifactFolderError) -> (parent: Int32, path: String, name: String) {
        let absolute = given.hasPrefix("/") ? given : FileManager.default.currentDirectoryPath + "/" + given
        var ancestors = absolute.split(separator: "/").map(String.init).filter { $0 != "." }
        guard let last = ancestors.popLast(), last != ".." else { throw ArtifactFolderError(.notAFolder, noFolder) }
        var parent = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard parent >= 0 else { throw ArtifactFolderError(.systemFailure, "cannot open /: \(String(cString: strerror(errno)))") }
        var path = ""
        for name in ancestors {
            let parentPath = path.isEmpty ? "/" : path
            path += "/" + name
            do {
                let next = try openAncestor(name, in: parent, path: path, parentPath: parentPath)
                close(parent)
                parent = next
            } catch {
                close(parent)
                throw error
            }
        }
        return (parent, path, last)
    }

    /// A folder above the run's: created if missing (as mkdir -p would), a
    /// link followed only when the current user or root made it.
    static func openAncestor(_ name: String, in parent: Int32, path: String, parentPath: String) throws(ArtifactFolderError) -> Int32 {
        for _ in 0..<2 {
            let opened = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if opened >= 0 { return opened }
            let problem = errno
            switch problem {
            case ENOENT:
                // 0777 less the umask, as FileManager made them before; EEXIST: made meanwhile, open it.
                if mkdirat(parent, name, 0o777) != 0, errno != EEXIST {
                    throw ArtifactFolderError(.systemFailure, "cannot create \(path): \(String(cString: strerror(errno)))")
                }
                continue
            case ELOOP, ENOTDIR:
                var info = stat()
                guard fstatat(parent, name, &info, AT_SYMLINK_NOFOLLOW) == 0, info.st_mode & S_IFMT == S_IFLNK else {
                    throw ArtifactFolderError(.notAFolder, "\(path) is not a folder; give --artifacts a folder's path")
                }
                guard info.st_uid == geteuid() || info.st_uid == 0 else {
                    throw ArtifactFolderError(.plantedLink, PlantedLink.refusal(path, pointsTo: PlantedLink.target(in: parent, name), folder: parentPath)
                                              + " (the link belongs to uid \(info.st_uid))")
                }
                let followed = openat(parent, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                guard followed >= 0 else {
                    throw ArtifactFolderError(.systemFailure, "cannot open \(path) (a link to \(PlantedLink.target(in: parent, name))): \(String(cString: strerror(errno)))")
                }
                return followed
            default:
                throw ArtifactFolderError(.systemFailure, "cannot open \(path): \(String(cString: strerror(problem)))")
            }
        }
        throw ArtifactFolderError(.keepsChanging, "cannot open \(path): it keeps changing")
    }

    /// The run's folder or a host's: never through a link, the current
    /// user's own, and left 0700.
    static func openOwn(_ name: String, in parent: Int32, path: String, parentPath: String) throws(ArtifactFolderError) -> Int32 {
        var opened: Int32 = -1
        for _ in 0..<2 where opened < 0 {
            opened = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if opened >= 0 { break }
            let problem = errno
            switch problem {
            case ENOENT:
                if mkdirat(parent, name, 0o700) != 0, errno != EEXIST {
                    throw ArtifactFolderError(.systemFailure, "cannot create \(path): \(String(cString: strerror(errno)))")
                }
            case ELOOP, ENOTDIR:
                var info = stat()
                if fstatat(parent, name, &info, AT_SYMLINK_NOFOLLOW) == 0, info.st_mode & S_IFMT == S_IFLNK {
                    throw ArtifactFolderError(.plantedLink, PlantedLink.refusal(path, pointsTo: PlantedLink.target(in: parent, name), folder: parentPath))
                }
                throw ArtifactFolderError(.notAFolder, "\(path) is not a folder; remove it or choose another artifact folder")
            default:
                throw ArtifactFolderError(.systemFailure, "cannot open \(path): \(String(cString: strerror(problem)))")
            }
        }
        guard opened >= 0 else { throw ArtifactFolderError(.keepsChanging, "cannot open \(path): it keeps changing") }
        var info = stat()
        guard fstat(opened, &info) == 0 else {
            close(opened)
            throw ArtifactFolderError(.systemFailure, "cannot read the attributes of \(path): \(String(cString: strerror(errno)))")
        }
        guard info.st_uid == geteuid() else {
            close(opened)
            throw ArtifactFolderError(.notYours, "\(path) belongs to uid \(info.st_uid), not to you (uid \(geteuid())): a run keeps its artifacts in a folder of its own. "
                                      + "Choose another artifact folder, or check who made this one and remove it")
        }
        // On the descriptor: the folder checked is the folder changed. The umask may have taken the owner's bits.
        guard info.st_mode & 0o7777 == 0o700 || fchmod(opened, 0o700) == 0 else {
            close(opened)
            throw ArtifactFolderError(.systemFailure, "cannot make \(path) private (0700): \(String(cString: strerror(errno)))")
        }
        return opened
    }
}
