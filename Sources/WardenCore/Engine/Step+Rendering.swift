extension Step {
    /// What the step sends to a host, rendered for it: the shell-quoted
    /// command line, or for `collect` the remote paths one per line; nil for
    /// steps that send nothing. Unredacted: what is shown goes through the redactor.
    public func renderedLine(in environment: ExpressionEnvironment) throws(LocatedError) -> String? {
        if case let .collect(collect) = kind {
            var paths: [String] = []
            for path in collect.paths { paths.append(try path.renderText(in: environment)) }
            return paths.joined(separator: "\n")
        }
        return try command?.render(in: environment)
    }
}
