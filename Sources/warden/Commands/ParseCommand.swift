import ArgumentParser
import Foundation
import WardenCore

/// `warden parse`: shows what a runbook's expressions will see of a command's output.
struct ParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Apply a named output parser to a file or standard input and print the result as JSON.",
        discussion: """
            Parsers: \(OutputParsers.names.joined(separator: ", ")). Example:
              ssh meta-1 'df -P' | warden parse table
              warden parse regex --pattern '(?<used>\\d+)% used' disk.txt
            Exit status: 0 parsed; 2 unknown parser, unreadable file, or output the parser cannot read.
            """
    )

    @Argument(help: "The parser's name.")
    var parser: String

    @Argument(help: "The file to read; standard input when omitted.")
    var file: String?

    @Option(help: "The pattern for the regex parser, with named groups.")
    var pattern: String?

    func run() throws {
        let parsing: any OutputParsing
        do {
            parsing = try OutputParsers.named(parser, pattern: pattern)
        } catch {
            throw InvalidInput(description: error.description)
        }
        let data: Data
        if let file {
            guard let contents = FileManager.default.contents(atPath: file) else {
                throw InvalidInput(description: "\(file): cannot read it")
            }
            data = contents
        } else {
            data = FileHandle.standardInput.readDataToEndOfFile()
        }
        do {
            Terminal.writeJSON(try parsing.parse(String(decoding: data, as: UTF8.self)).jsonText() + "\n")
        } catch {
            throw InvalidInput(description: (file.map { "\($0): " } ?? "") + error.description)
        }
    }
}
