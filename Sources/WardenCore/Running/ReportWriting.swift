import Foundation

/// Makes a `report` step's files and writes them into the run's artifact
/// folder (`OutputFolder`: reached without following planted links, the
/// user's own, 0700; files 0600, never through a link). Secrets are masked
/// in both files, as in everything else the run keeps.
enum ReportWriting {
    struct Written: Sendable {
        let folder: String
        let files: [(name: String, bytes: Int)]
    }

    /// The files' contents; throws where an expression cannot be evaluated.
    static func render(_ spec: ReportSpec, in environment: ExpressionEnvironment, redactor: Redactor) throws(LocatedError) -> [OutputFolder.File] {
        let name = try spec.name.renderText(in: environment)
        guard ReportSpec.isFileName(name) else {
            throw LocatedError("the report's name renders to '\(VisibleText.line(redactor.redact(name)))', which is not a file name (letters, digits, '-', '_' and '.', not starting with '.')",
                               at: spec.location)
        }
        var files: [OutputFolder.File] = []
        if let markdown = spec.markdown {
            var text = redactor.redact(try markdown.renderText(in: environment))
            if !text.hasSuffix("\n") { text += "\n" }
            files.append(OutputFolder.File(name: name + ".md", contents: Data(text.utf8)))
        }
        if let json = spec.json {
            let value = try json.evaluate(in: environment)
            let text = redactor.redact(redactor.redact(value).jsonText(pretty: true))
            files.append(OutputFolder.File(name: name + ".json", contents: Data((text + "\n").utf8)))
        }
        return files
    }

    /// Writes `files` into `folder`, off the cooperative pool (the system calls block).
    static func write(_ files: [OutputFolder.File], into folder: String) async throws(ArtifactFolderError) -> Written {
        try await offThePool { () throws(ArtifactFolderError) in try OutputFolder.write(files, into: folder) }
        return Written(folder: folder, files: files.map { ($0.name, $0.contents.count) })
    }
}
