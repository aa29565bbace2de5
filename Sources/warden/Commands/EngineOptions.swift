import ArgumentParser

/// The options `plan` and `run` share about how they work, not what on.
struct EngineOptions: ParsableArguments {
    @Option(help: "Hosts worked on at once.")
    var concurrency: Int = 64

    @Option(help: "Output format: text or json.")
    var output: OutputFormat = .text

    func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
    }
}
