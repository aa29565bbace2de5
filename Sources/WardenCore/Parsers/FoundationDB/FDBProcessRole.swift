/// One role a process plays, with what the status metrics need of its
/// process: which fault domain (zone) it lives in and its address.
struct FDBProcessRole {
    let processID: String
    let address: String
    /// `fault_domain`, else `locality.zoneid`, else the machine, else the
    /// process: 3.x-era documents name no zone, and two roles of the same
    /// process certainly share one.
    let faultDomain: String
    let role: ValueCursor

    /// Every role named `name` in `cluster.processes`, in process-id order
    /// (the document's order is lost in decoding; this one is stable).
    static func all(named name: String, in processes: ValueCursor) -> [FDBProcessRole] {
        guard let entries = processes.map else { return [] }
        return entries.keys.sorted().flatMap { id -> [FDBProcessRole] in
            let process = ValueCursor(entries[id])
            let domain = process["fault_domain"].string ?? process["locality"]["zoneid"].string
                ?? process["machine_id"].string ?? id
            return (process["roles"].list ?? []).compactMap { role in
                let cursor = ValueCursor(role)
                guard cursor["role"].string == name else { return nil }
                return FDBProcessRole(processID: id, address: process["address"].string ?? "", faultDomain: domain, role: cursor)
            }
        }
    }
}
