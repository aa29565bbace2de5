/// How a `{{ }}` hole's value reaches a command line.
enum TemplateHoleForm: Sendable, Hashable {
    /// `{{ expr }}`: shell-quoted, one word per value.
    case quoted
    /// `{{ raw expr }}`: inserted as is, for trusted shell fragments.
    case raw
    /// `{{ secret_file expr }}`: the value goes into a private file on the
    /// host, sent through the channel's stdin; the line holds only the file's
    /// path. So a secret reaches the command without being on any process's
    /// command line, where every account on the host can read it.
    case secretFile
}
