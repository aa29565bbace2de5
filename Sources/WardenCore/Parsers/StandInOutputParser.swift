/// Takes the place of a `parse:` that names no parser (or a regex that does
/// not compile) once that error is reported, so that the runbook's other
/// checks know a parser was asked for: without it, every `result` the step
/// reads drew a second, wrong error ("has no 'parse:'"). A runbook with the
/// error never loads, so this never parses anything; if it did, it refuses.
struct StandInOutputParser: OutputParsing {
    let name: String

    func parse(_ output: String) throws(OutputParseError) -> Value {
        throw OutputParseError(.noSuchParser, parser: name, message: "no such parser (the runbook naming it does not load)")
    }
}
