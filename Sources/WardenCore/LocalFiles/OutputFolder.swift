import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `warden exec -o DIR`: each host's output as `DIR/<host>.out` and
/// `DIR/<host>.err`, as pssh writes it, for output too long to read in a
/// terminal or to keep.
///
/// The folder is reached as `ArtifactFolder` reaches a run's (one level at a
/// time, `O_NOFOLLOW`, links above it followed only when the user or root
/// made them), must be the user's own and is made 0700; the files are
/// created in it with `O_NOFOLLOW` and 0600. A host prints what it likes, a
/// core dump's strings or a secret among them, so a link planted in a shared
/// folder must not send it elsewhere, nor make a root controller overwrite
/// the file a link points to.
public enum OutputFolder {
    /// One file to write: its name in the folder and its bytes.
    public struct File: Sendable {
        public var name: String
        public var contents: Data

        public init(name: String, contents: Data) {
            self.name = name
            self.contents = contents
        }
    }

    /// Opens or creates `folder` and writes `files` into it, replacing files
    /// of those names. Blocking.
    public static func write(_ files: [File], into folder: String) throws(ArtifactFolderError) {
        for file in files where file.name.isEmpty || file.name.hasPrefix(".") || file.name.contains("/") {
            throw ArtifactFolderError(.invalidName, "'\(file.name)' cannot name a file in \(folder); rename the host in the inventory")
        }
        let (parent, path, last) = try ArtifactFolder.openParent(
            of: folder, noFolder: "\(folder) does not name a folder of its own; give -o a new folder's path, e.g. ./exec-output")
        defer { close(parent) }
        let folderPath = path + "/" + last
        let opened = try ArtifactFolder.openOwn(last, in: parent, path: folderPath, parentPath: path.isEmpty ? "/" : path)
        defer { close(opened) }
        for file in files {
            try write(file, in: opened, path: folderPath + "/" + file.name, folderPath: folderPath)
        }
    }

    private static func write(_ file: File, in folder: Int32, path: String, folderPath: String) throws(ArtifactFolderError) {
        let descriptor = openat(folder, file.name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let problem = errno
            if problem == ELOOP {
                throw ArtifactFolderError(.plantedLink, PlantedLink.refusal(path, pointsTo: PlantedLink.target(in: folder, file.name), folder: folderPath))
            }
            throw ArtifactFolderError(.systemFailure, "cannot write \(path): \(String(cString: strerror(problem)))")
        }
        defer { close(descriptor) }
        var written = 0
        let failure: Int32? = file.contents.withUnsafeBytes { bytes -> Int32? in
            guard let base = bytes.baseAddress else { return nil }
            while written < bytes.count {
                let count = Glibc.write(descriptor, base + written, bytes.count - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += count
            }
            return nil
        }
        if let failure {
            throw ArtifactFolderError(.systemFailure, "cannot write \(path): \(String(cString: strerror(failure)))")
        }
    }
}
