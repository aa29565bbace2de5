import Foundation
import HTTPTypes

/// Reads a collected file for the run page's download link. The journal names
/// the file's path on the controller; the daemon serves it only when that path
/// lies in the run's own artifact folder under its state folder
/// (`STATE/artifacts/RUN/`), is a regular file reached without a symbolic link
/// at its end, and is small enough to send from memory. Anything else is
/// refused saying where the file is, for an operator with a shell to fetch.
enum ArtifactDownload {
    struct Problem: Error {
        let status: HTTPResponse.Status
        let message: String
    }

    /// The largest file the web UI sends (core dumps can be larger: those are fetched from the controller).
    static let maximumBytes = 256 * 1024 * 1024

    static func read(_ local: String, runID: String, state: String) -> Result<Data, Problem> {
        let folder = ((state as NSString).appendingPathComponent("artifacts") as NSString).appendingPathComponent(runID)
        let standard = (local as NSString).standardizingPath
        let components = (local as NSString).pathComponents
        guard !components.contains(".."), standard.hasPrefix(folder + "/") else {
            return .failure(Problem(status: .forbidden, message: "The file is at \(local) on the controller, outside the run's artifact folder: the web UI does not serve it."))
        }
        let descriptor = open(standard, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            return .failure(Problem(status: .notFound, message: "The file \(local) cannot be opened on the controller (\(String(cString: strerror(errno)))): it may have been removed."))
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            return .failure(Problem(status: .forbidden, message: "\(local) is not a regular file: the web UI does not serve it."))
        }
        guard Int(info.st_size) <= maximumBytes else {
            return .failure(Problem(status: .contentTooLarge,
                                    message: "\(local) holds \(info.st_size) bytes, more than the web UI sends (\(maximumBytes)); fetch it from the controller."))
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)
        do {
            return .success(try handle.readToEnd() ?? Data())
        } catch {
            return .failure(Problem(status: .internalServerError, message: "\(local) could not be read: \(error)"))
        }
    }
}
