import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where a token file may live: checks shared by `load` and `save`.
///
/// The file decides who may start and approve runs, so it is trusted only
/// when nobody but its owner (or root) could have written it or put it
/// there. That takes more than the file's own mode: whoever may write to
/// its folder may rename files in it, and so put back an older copy of
/// the file after a revocation (or a copy of another file of the same
/// owner). Hence the folder too must be the user's or root's, and not
/// writable by group or others unless sticky (as /tmp is: there only a
/// file's owner may rename or remove it). Folders above it are followed as
/// they are (a state folder under a linked /var is fine); the file itself
/// is opened through the folder's descriptor and never through a link.
extension TokenFile {
    /// The folder and the file name of `path`, the folder opened.
    struct Place {
        let path: String
        let folderPath: String
        let name: String
        let folder: Int32
    }

    /// Opens the folder of `path` and checks that only its owner could swap files in it;
    /// nil when the folder does not exist.
    static func openFolder(of path: String) throws(TokenFileError) -> Place? {
        let name = (path as NSString).lastPathComponent
        guard !path.isEmpty, !path.hasSuffix("/"), name != ".", name != ".." else {
            throw TokenFileError(.invalidRequest, "'\(VisibleText.line(path))' does not name a token file (it names a folder); give a file such as tokens.json")
        }
        var folderPath = (path as NSString).deletingLastPathComponent
        if folderPath.isEmpty { folderPath = "." }
        let folder = Glibc.open(folderPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folder >= 0 else {
            let problem = errno
            if problem == ENOENT { return nil }
            throw TokenFileError(.unreadable, "cannot open the folder \(folderPath) of the token file \(path): \(String(cString: strerror(problem)))")
        }
        var info = stat()
        guard fstat(folder, &info) == 0 else {
            let problem = errno
            Glibc.close(folder)
            throw TokenFileError(.unreadable, "cannot examine the folder \(folderPath) of the token file \(path): \(String(cString: strerror(problem)))")
        }
        let user = geteuid()
        if info.st_uid != user, info.st_uid != 0 {
            Glibc.close(folder)
            throw TokenFileError(.untrusted, "cannot trust the token file \(path): its folder \(folderPath) belongs to uid \(info.st_uid), "
                                 + "not to you (uid \(user)) or root, and its owner can replace any file in it; "
                                 + "keep the token file in a folder of your own (--tokens FILE)")
        }
        let sticky = info.st_mode & S_ISVTX != 0
        if info.st_mode & 0o022 != 0, !sticky {
            Glibc.close(folder)
            throw TokenFileError(.untrusted, "cannot trust the token file \(path): its folder \(folderPath) is writable by group or others "
                                 + "(mode \(octal(info.st_mode & 0o7777))) and not sticky, so anyone who can write there could put back an older token file "
                                 + "and undo a revocation; chmod go-w '\(folderPath)' (or chmod +t '\(folderPath)' for a shared folder), "
                                 + "or keep the token file in a folder of your own (--tokens FILE)")
        }
        return Place(path: path, folderPath: folderPath, name: name, folder: folder)
    }

    /// Checks the opened token file: a regular file with one name, the user's or root's,
    /// that nobody else may read or write.
    static func checkFile(_ file: Int32, at place: Place) throws(TokenFileError) {
        var info = stat()
        guard fstat(file, &info) == 0 else {
            throw TokenFileError(.unreadable, "cannot examine the token file \(place.path): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw TokenFileError(.untrusted, "cannot use the token file \(place.path): it is \(kind(of: info.st_mode)), not a regular file; "
                                 + "point --tokens at the token file itself")
        }
        guard info.st_nlink == 1 else {
            throw TokenFileError(.untrusted, "cannot trust the token file \(place.path): it has \(info.st_nlink) names (hard links), "
                                 + "and another name could keep or put back an old version of it; find the others (find / -samefile '\(place.path)'), "
                                 + "remove them, or copy the file to a new one (cp '\(place.path)' NEW && mv NEW '\(place.path)')")
        }
        let user = geteuid()
        guard info.st_uid == user || info.st_uid == 0 else {
            throw TokenFileError(.untrusted, "cannot trust the token file \(place.path): it belongs to uid \(info.st_uid), not to you (uid \(user)) or root, "
                                 + "and whoever owns it decides who may use the API; check who made it, and if it is meant to be yours, "
                                 + "chown it to yourself (chown \(user) '\(place.path)')")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw TokenFileError(.untrusted, "cannot trust the token file \(place.path): it can be read or written by group or others "
                                 + "(mode \(octal(info.st_mode & 0o7777))), who could then add a token of their own; "
                                 + "make it private (chmod 600 '\(place.path)') and check its tokens (warden token list)")
        }
    }

    /// The refusal of a link where the token file should be.
    static func linkRefusal(at place: Place) -> TokenFileError {
        TokenFileError(.untrusted, "cannot use the token file: "
                       + PlantedLink.refusal(place.path, pointsTo: PlantedLink.target(in: place.folder, place.name), folder: place.folderPath)
                       + "; or point --tokens at the file itself")
    }

    static func octal(_ mode: mode_t) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private static func kind(of mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: "a folder"
        case S_IFIFO: "a named pipe"
        case S_IFSOCK: "a socket"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFLNK: "a symbolic link"
        default: "an unknown kind of file"
        }
    }
}
