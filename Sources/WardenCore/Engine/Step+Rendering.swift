extension Step {
    /// What the step sends to a host, rendered for it: the shell-quoted
    /// command line (with its secret files), or for `collect` the remote
    /// paths one per line; nil for steps that send nothing. Unredacted: what
    /// is shown goes through the redactor.
    func renderedCommand(in environment: ExpressionEnvironment) throws(LocatedError) -> RenderedCommand? {
        if case let .collect(collect) = kind {
            var paths: [String] = []
            for path in collect.paths { paths.append(try path.renderText(in: environment)) }
            return RenderedCommand(line: paths.joined(separator: "\n"))
        }
        return try command?.renderCommand(in: environment)
    }
}
