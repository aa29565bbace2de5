import ArgumentParser

/// Parameter values given on the command line, for `plan`, `run` and `resume`.
struct ParameterOptions: ParsableArguments {
    @Option(name: [.short, .customLong("param")], help: "A parameter, as name=value. Repeatable. Secrets go in --params or WARDEN_PARAM_<NAME>, never here.")
    var pairs: [String] = []

    @Option(name: .customLong("params"), help: "A YAML file of parameter values (secrets included).")
    var file: String?
}
