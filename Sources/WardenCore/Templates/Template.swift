/// A command line with `{{ expression }}` holes, as runbooks write them.
///
/// Every hole is shell-quoted when rendered, so a parameter holding
/// `x; rm -rf /` reaches the remote shell as one literal word. The explicit
/// raw form `{{ raw expression }}` inserts text unquoted, for trusted
/// fragments such as a shell invocation; `validate` flags raw holes fed by
/// anything but literals (`rawHolesReadingValues`). `{{ secret_file
/// expression }}` puts the value in a private file on the host and only the
/// file's path in the line (`RenderedCommand`).
public struct Template: Sendable, Hashable {
    /// The template as written.
    public let text: String
    /// Where the text starts in its file.
    public let location: SourceLocation
    let pieces: [TemplatePiece]

    /// Parses the holes. Errors (an unclosed `{{`, an empty hole, a bad
    /// expression) point at their place in the file.
    public static func parse(_ text: String, at location: SourceLocation) throws(LocatedError) -> Template {
        try parse(text, placedAt: .flowing(from: location))
    }

    /// Parses the holes of `text`, whose characters are where `placement` says in its file.
    public static func parse(_ text: String, placedAt placement: SourcePlacement) throws(LocatedError) -> Template {
        Template(text: text, location: placement.start, pieces: try TemplateParser.parse(text, placedAt: placement))
    }

    /// The holes' expressions, in order, and how each reaches the line.
    var holes: [(expression: Expression, form: TemplateHoleForm)] {
        pieces.compactMap { piece in
            if case let .hole(expression, form) = piece { return (expression, form) }
            return nil
        }
    }

    /// Raw holes whose text is not fixed in the runbook: they read a
    /// parameter, the inventory, a probe or an earlier step, and whatever
    /// that holds is inserted unquoted, where the shell runs it as code.
    var rawHolesReadingValues: [Expression] {
        holes.filter { $0.form == .raw && !$0.expression.referencedRoots.isEmpty }.map(\.expression)
    }

    /// The `{{ secret_file … }}` holes' expressions, in order.
    var secretFileHoles: [Expression] {
        holes.filter { $0.form == .secretFile }.map(\.expression)
    }

    /// The command line with every hole evaluated and, unless raw, quoted;
    /// a `secret_file` hole is its file's path. For showing and comparing:
    /// what runs needs `renderCommand`, which keeps the files' contents.
    public func render(in environment: ExpressionEnvironment) throws(LocatedError) -> String {
        try renderCommand(in: environment).line
    }

    /// The command line and the contents of the secret files it names.
    func renderCommand(in environment: ExpressionEnvironment) throws(LocatedError) -> RenderedCommand {
        var output = ""
        var files: [String] = []
        for piece in pieces {
            switch piece {
            case let .literal(text):
                output += text
            case let .hole(expression, .secretFile):
                files.append(try TemplateRendering.fileContent(of: expression.evaluate(in: environment), for: expression))
                output += RenderedCommand.reference(toFile: files.count)
            case let .hole(expression, form):
                output += try TemplateRendering.words(of: expression.evaluate(in: environment), for: expression, raw: form == .raw)
            }
        }
        return RenderedCommand(line: output, secretFiles: files)
    }

    public static func == (lhs: Template, rhs: Template) -> Bool {
        lhs.text == rhs.text && lhs.location == rhs.location
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(text)
        hasher.combine(location)
    }
}

/// A stretch of literal text, or a hole.
enum TemplatePiece: Sendable {
    case literal(String)
    case hole(Expression, form: TemplateHoleForm)
}

extension Template {
    /// The template with every hole inserted as plain text, never quoted: for
    /// what no shell reads (lock names, host patterns, local paths). A
    /// `secret_file` hole has no place there (`validate` refuses it).
    func renderText(in environment: ExpressionEnvironment) throws(LocatedError) -> String {
        var output = ""
        for piece in pieces {
            switch piece {
            case let .literal(text):
                output += text
            case let .hole(expression, .secretFile):
                throw LocatedError("'secret_file' belongs in a command; here '\(expression.description)' would not reach a file",
                                   at: expression.location)
            case let .hole(expression, _):
                output += try TemplateRendering.words(of: expression.evaluate(in: environment), for: expression, raw: true)
            }
        }
        return output
    }

    /// Whether the template has no holes at all.
    var isLiteral: Bool { holes.isEmpty }
}
