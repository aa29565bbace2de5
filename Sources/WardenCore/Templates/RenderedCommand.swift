/// A command template rendered for one host: the line the remote shell runs,
/// and the contents of the secret files its `{{ secret_file … }}` holes name.
///
/// The line holds no secret file's content, only its path
/// (`"${WARDEN_SECRETS:?}/1"`), so it is what the journal records, the plan
/// shows and hashes, and the approvers see; the contents travel beside it to
/// the transport (`RemoteCommand.secretFiles`).
struct RenderedCommand: Sendable, Hashable {
    /// The command line, every ordinary hole shell-quoted.
    public var line: String
    /// The files' contents, in the order of their holes: file `N` is the
    /// N-th `secret_file` hole.
    public var secretFiles: [String]

    public init(line: String, secretFiles: [String] = []) {
        self.line = line
        self.secretFiles = secretFiles
    }

    /// The environment variable naming the host folder that holds the files
    /// while the command runs; the SSH transport's wrapper sets it.
    static let folderVariable = "WARDEN_SECRETS"

    /// What a `secret_file` hole becomes in the line: the path of its file,
    /// one shell word. `:?` makes a shell without the variable (a transport
    /// that sent no files) stop with an error instead of reading `/1`.
    static func reference(toFile number: Int) -> String {
        "\"${\(folderVariable):?}/\(number)\""
    }
}
