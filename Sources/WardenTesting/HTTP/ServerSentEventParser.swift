import Foundation

/// Turns the bytes of an event stream into events as the HTML standard reads them: fields up
/// to a blank line, comments (`: heartbeat`) and `retry:` dispatch nothing, an event needs data.
struct ServerSentEventParser {
    private var pending: [UInt8] = []
    private var id: String?
    private var event = ""
    private var data: [String] = []

    mutating func feed(_ bytes: [UInt8]) -> [ServerSentEvent] {
        pending += bytes
        var events: [ServerSentEvent] = []
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            var line = String(decoding: pending[..<newline], as: UTF8.self)
            pending.removeSubrange(...newline)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty {
                if !data.isEmpty {
                    events.append(ServerSentEvent(id: id, event: event.isEmpty ? "message" : event, data: data.joined(separator: "\n")))
                }
                (id, event, data) = (nil, "", [])
                continue
            }
            if line.hasPrefix(":") { continue }
            let (name, value): (String, String)
            if let colon = line.firstIndex(of: ":") {
                name = String(line[..<colon])
                let rest = line[line.index(after: colon)...]
                value = String(rest.hasPrefix(" ") ? rest.dropFirst() : rest)
            } else {
                (name, value) = (line, "")
            }
            switch name {
            case "id": id = value
            case "event": event = value
            case "data": data.append(value)
            default: break
            }
        }
        return events
    }
}
