import Foundation
import Testing
@testable import WardenCore

/// The figures a table-intake (capacity) audit reads through `Tests/Doubles/pegasus_shell`:
/// `nodes -u` / `-q` / `-s` (node_management.cpp `ls_nodes`), `app_stat` per table and per
/// partition (table_management.cpp `app_stat`), and the disk figures of v2.5.0's `server_stat`.
@Suite("pegasus_shell double: intake figures")
struct PegasusShellDoubleIntakeTests {
    typealias Shell = PegasusShellDoubleTests.Shell

    static func exact(_ text: String) -> String { PegasusShellDoubleRollingTests.exact(text) }

    /// Four replica servers (34804 UNALIVE): 34801's figures given outright, 34802's disk ratios
    /// derived from its two disks (round(3637000*100/7200000) = 51, min round(45.47) = 45).
    static let cluster = [
        "--nodes", "4", "--unalive", "127.0.0.1:34804",
        "--usage", #"127.0.0.1:34801={"memused_res_mb":20480,"block_cache_mb":8192,"wbm_total_mb":1536,"wbm_mutable_mb":512,"mem_tbl_mb":1024,"mem_idx_mb":768,"disk_avl_total_ratio":71,"disk_avl_min_ratio":64}"#,
        "--usage", #"127.0.0.1:34802={"memused_res_mb":18000,"block_cache_mb":8000}"#,
        "--disks", #"127.0.0.1:34802=[{"capacity_mb":3600000,"available_mb":2000000},{"capacity_mb":3600000,"available_mb":1637000}]"#,
        "--qps", #"127.0.0.1:34801={"get_qps":1520.25,"mget_qps":12,"bget_qps":0.5,"read_cu":3100,"put_qps":410.75,"mput_qps":3,"write_cu":900,"get_p99_ms":2.35,"mget_p99_ms":5.1,"bget_p99_ms":0,"put_p99_ms":8.125,"mput_p99_ms":11}"#,
    ]

    /// The blank line that ends [details], then the [summary] table and its blank line.
    static let summary = """

        [summary]
        total_node_count    : 4
        alive_node_count    : 3
        unalive_node_count  : 1


        """

    @Test func v25ResourceUsageHasNoWriteBufferColumns() async throws {
        let shell = try await Shell.make(Self.cluster)
        #expect(try await shell.stdout("nodes -d -u") == """
            [details]
            address          status     replica_count  primary_count  secondary_count  memused_res_mb  block_cache_mb  mem_tbl_mb  mem_idx_mb  disk_avl_total_ratio  disk_avl_min_ratio
            127.0.0.1:34801  ALIVE                 12              4                8           20480            8192        1024         768                    71                  64
            127.0.0.1:34802  ALIVE                 12              4                8           18000            8000           0           0                    51                  45
            127.0.0.1:34803  ALIVE                 12              4                8               0               0           0           0                     0                   0
            127.0.0.1:34804  UNALIVE                0              0                0               0               0           0           0                     0                   0

            """ + Self.summary)
    }

    @Test func masterResourceUsageAddsTheWriteBufferColumns() async throws {
        let shell = try await Shell.make(["--version", "master"] + Self.cluster)
        #expect(try await shell.stdout("nodes -d -u") == """
            [details]
            address          status     replica_count  primary_count  secondary_count  memused_res_mb  block_cache_mb  wbm_total_mb  wbm_mutable_mb  mem_tbl_mb  mem_idx_mb  disk_avl_total_ratio  disk_avl_min_ratio
            127.0.0.1:34801  ALIVE                 12              4                8           20480            8192          1536             512        1024         768                    71                  64
            127.0.0.1:34802  ALIVE                 12              4                8           18000            8000             0               0           0           0                    51                  45
            127.0.0.1:34803  ALIVE                 12              4                8               0               0             0               0           0           0                     0                   0
            127.0.0.1:34804  UNALIVE                0              0                0               0               0             0               0           0           0                     0                   0

            """ + Self.summary)
        let json = try await shell.stdout("nodes -u -j -s alive")
        #expect(json.hasPrefix("""
            {
                "parameters": {
                    "status": "alive"
                },
                "details": {
                    "127.0.0.1:34801": {
                        "address": "127.0.0.1:34801",
                        "status": "ALIVE",
                        "memused_res_mb": "20480",
                        "block_cache_mb": "8192",
                        "wbm_total_mb": "1536",
                        "wbm_mutable_mb": "512",
                        "mem_tbl_mb": "1024",
                        "mem_idx_mb": "768",
                        "disk_avl_total_ratio": "71",
                        "disk_avl_min_ratio": "64"
                    },
            """))
        #expect(json.hasSuffix("""
                "summary": {
                    "total_node_count": "3",
                    "alive_node_count": "3",
                    "unalive_node_count": "0"
                }
            }

            """))
    }

    @Test(arguments: ["2.5.0", "master"])
    func qpsAndLatencyColumns(version: String) async throws {
        let shell = try await Shell.make(["--version", version] + Self.cluster)
        // Doubles with two decimals, right-aligned; p99 in ms; 8.125 rounds to even as printf does.
        #expect(try await shell.stdout("nodes -q") == """
            [details]
            address          status     get_qps  mget_qps  bget_qps  read_cu  put_qps  mput_qps  write_cu  get_p99(ms)  mget_p99(ms)  bget_p99(ms)  put_p99(ms)  mput_p99(ms)
            127.0.0.1:34801  ALIVE      1520.25     12.00      0.50  3100.00   410.75      3.00    900.00         2.35          5.10          0.00         8.12         11.00
            127.0.0.1:34802  ALIVE         0.00      0.00      0.00     0.00     0.00      0.00      0.00         0.00          0.00          0.00         0.00          0.00
            127.0.0.1:34803  ALIVE         0.00      0.00      0.00     0.00     0.00      0.00      0.00         0.00          0.00          0.00         0.00          0.00
            127.0.0.1:34804  UNALIVE       0.00      0.00      0.00     0.00     0.00      0.00      0.00         0.00          0.00          0.00         0.00          0.00

            """ + Self.summary)
    }

    @Test(arguments: ["2.5.0", "master"])
    func aStatusFilterAndItsRefusal(version: String) async throws {
        let shell = try await Shell.make(["--version", version] + Self.cluster)
        #expect(try await shell.stdout("nodes -s unalive") == Self.exact("""
            [parameters]
            status  : unalive

            [details]
            address          status   $
            127.0.0.1:34804  UNALIVE  $

            [summary]
            total_node_count    : 1
            alive_node_count    : 0
            unalive_node_count  : 1


            """))
        let refused = try await shell.session(["nodes -s dead"])
        // v2.5.0 verify_logged: no newline; master SHELL_PRINT_AND_RETURN_FALSE_IF_NOT: bold red.
        #expect(refused.stderr == (version == "master"
            ? "\u{1B}[1m\u{1B}[38;2;255;000;000mERROR: parse dead as node_status::type failed\n\u{1B}[0m"
            : "parse dead as node_status::type failed"))
        #expect(try Shell.commandOutput(refused.stdout).hasPrefix("USAGE: \tnodes "))
    }

    @Test func v25AnUnreachableReplicaServerStopsTheFigures() async throws {
        let shell = try await Shell.make(["--set", #"unreachable=["127.0.0.1:34802"]"#])
        #expect(try await shell.stdout("nodes -d -u") == "query perf counter info from node 127.0.0.1:34802 failed\n")
        #expect(try await shell.stdout("nodes -d").hasPrefix("[details]\n"))
    }

    // MARK: app_stat

    /// temp's figures given outright; stat's summed from two partitions (placement), its hit rate
    /// from the block-cache counters (30/40), the total's from the summed counters (930/1040).
    static let tables = [
        "--placement",
        "--table-stat", #"temp={"GET":1200.5,"MGET":30,"PUT":250.25,"MPUT":4,"SCAN":1.5,"RCU":2500,"WCU":800,"file_mb":51200.75,"file_num":420,"mem_tbl_mb":64,"mem_idx_mb":12.5,"rdb_block_cache_hit_count":900,"rdb_block_cache_total_count":1000}"#,
        "--partition-stat", #"stat:0={"GET":10,"PUT":2,"file_mb":100,"file_num":4,"rdb_block_cache_hit_count":30,"rdb_block_cache_total_count":40}"#,
        "--partition-stat", #"stat:3={"GET":6,"file_mb":50.5,"file_num":2}"#,
    ]

    @Test(arguments: ["2.5.0", "master"])
    func appStatPerTableWithTheFlavoursTotalRow(version: String) async throws {
        let shell = try await Shell.make(["--version", version] + Self.tables)
        // master names the sum row (total:<rows - 1>), v2.5.0 (total:<rows>).
        let total = version == "master" ? "(total:1)" : "(total:2)"
        #expect(try await shell.stdout("app_stat") == """
            [app_stat]
            app_name     app_id  pcount       GET    MGET  BGET      PUT   MPUT   DEL  MDEL  INCR   CAS   CAM   SCAN       RCU      WCU  expire  filter  abnormal  delay  reject    file_mb  file_num  mem_tbl_mb  mem_idx_mb  hit_rate  seek_n_rate  point_n_rate  point_fp_rate
            stat              1       4    16.000    0.00  0.00    2.000   0.00  0.00  0.00  0.00  0.00  0.00   0.00      0.00     0.00    0.00    0.00      0.00   0.00    0.00    150.500         6        0.00        0.00     0.750         0.00          0.00           0.00
            temp              2       8  1200.500  30.000  0.00  250.250  4.000  0.00  0.00  0.00  0.00  0.00  1.500  2500.000  800.000    0.00    0.00      0.00   0.00    0.00  51200.750       420      64.000      12.500     0.900         0.00          0.00           0.00
            \(total)         0      12  1216.500  30.000  0.00  252.250  4.000  0.00  0.00  0.00  0.00  0.00  1.500  2500.000  800.000    0.00    0.00      0.00   0.00    0.00  51351.250       426      64.000      12.500     0.894         0.00          0.00           0.00

            """)
        #expect(try await shell.stdout("app_stat -u -j").hasSuffix("""
                    "\(total)": {
                        "app_name": "\(total)",
                        "app_id": "0",
                        "pcount": "12",
                        "file_mb": "51351.250",
                        "file_num": "426",
                        "mem_tbl_mb": "64.000",
                        "mem_idx_mb": "12.500",
                        "hit_rate": "0.894",
                        "seek_n_rate": "0.00",
                        "point_n_rate": "0.00",
                        "point_fp_rate": "0.00"
                    }
                }
            }

            """))
    }

    @Test(arguments: ["2.5.0", "master"])
    func appStatPerPartition(version: String) async throws {
        let shell = try await Shell.make(["--version", version] + Self.tables)
        let total = version == "master" ? "(total:3)" : "(total:4)"
        #expect(try await shell.stdout("app_stat -a stat -q") == """
            [app_stat]
            pidx            GET  MGET  BGET    PUT  MPUT   DEL  MDEL  INCR   CAS   CAM  SCAN   RCU   WCU  expire  filter  abnormal  delay  reject  hit_rate  seek_n_rate  point_n_rate  point_fp_rate
            0            10.000  0.00  0.00  2.000  0.00  0.00  0.00  0.00  0.00  0.00  0.00  0.00  0.00    0.00    0.00      0.00   0.00    0.00     0.750         0.00          0.00           0.00
            1              0.00  0.00  0.00   0.00  0.00  0.00  0.00  0.00  0.00  0.00  0.00  0.00  0.00    0.00    0.00      0.00   0.00    0.00      0.00         0.00          0.00           0.00
            2              0.00  0.00  0.00   0.00  0.00  0.00  0.00  0.00  0.00  0.00  0.00  0.00  0.00    0.00    0.00      0.00   0.00    0.00      0.00         0.00          0.00           0.00
            3             6.000  0.00  0.00   0.00  0.00  0.00  0.00  0.00  0.00  0.00  0.00  0.00  0.00    0.00    0.00      0.00   0.00    0.00      0.00         0.00          0.00           0.00
            \(total)    16.000  0.00  0.00  2.000  0.00  0.00  0.00  0.00  0.00  0.00  0.00  0.00  0.00    0.00    0.00      0.00   0.00    0.00     0.750         0.00          0.00           0.00

            """)
        // v2.5.0 declares --only_qps with required_argument: alone it is a usage error.
        let long = try await shell.stdout("app_stat --only_qps")
        #expect(long.hasPrefix("USAGE: \tapp_stat ") == (version == "2.5.0"))
        #expect(try await shell.stdout("app_stat -q -u") == "ERROR: only_qps and only_usage should not be set at the same time\n")
    }

    @Test func aPartitionWithoutPrimaryCountsNothing() async throws {
        // get_app_stat reads each partition's primary: stat.0 without one adds nothing to stat's row.
        let shell = try await Shell.make(Self.tables + ["--level", "freezed", "--set", "tables.0.partitions.0.primary=null"])
        func rows(_ command: String) async throws -> [String] {
            try await shell.stdout(command).split(separator: "\n").map { $0.replacingOccurrences(of: " +", with: " ", options: .regularExpression) }
        }
        #expect(try await rows("app_stat -a stat")[2].hasPrefix("0 0.00 0.00 0.00 0.00 "))
        #expect(try await rows("app_stat")[2].hasPrefix("stat 1 4 6.000 0.00 0.00 0.00 "))
    }

    // MARK: disk capacity and memory where the shell shows them

    @Test func v25ServerStatCarriesTheDiskCountersAndMemory() async throws {
        let shell = try await Shell.make([
            "--metas", "1", "--nodes", "1",
            "--usage", #"127.0.0.1:34801={"memused_res_mb":20480}"#,
            "--disks", #"127.0.0.1:34801=[{"capacity_mb":3600000,"available_mb":2000000},{"capacity_mb":3600000,"available_mb":1637000}]"#,
        ])
        #expect(try await shell.session(["server_stat -t replica-server"]).stderr == """
            COMMAND: server-stat

            CALL [replica-server] [127.0.0.1:34801] succeed: manual_compact_enqueue_count=0, manual_compact_running_count=0, closing_replica_count=0, disk_available_max_ratio=56, disk_available_min_ratio=45, disk_available_total_ratio=51, disk_capacity_total(MB)=7200000, opening_replica_count=0, serving_replica_count=12, commit_throughput=0, learning_count=0, shared_log_size(MB)=0, memused_res(MB)=20480, memused_virt(MB)=0, get_p99(ns)=0, get_qps=0, multi_get_p99(ns)=0, multi_get_qps=0, multi_put_p99(ns)=0, multi_put_qps=0, put_p99(ns)=0, put_qps=0

            Succeed count: 1
            Failed count: 0

            """)
        // master's server_stat has no disk figures; its resident memory follows the same usage.
        try await shell.reset(["--version", "master", "--metas", "1", "--nodes", "1",
                               "--usage", #"127.0.0.1:34801={"memused_res_mb":20480}"#])
        #expect(try await shell.stdout("server_stat -t replica-server").contains(#""res_mem_mb": 20480.0,"#))
    }

    @Test func theInitOptionsAreDocumented() async throws {
        let help = try await DoubleProcess.run("pegasus_shell", ["--help-double"])
        for option in ["--placement", "--pid-file", "--shipped-config", "--min-live", "--usage", "--disks", "--qps",
                       "--table-stat", "--partition-stat"] {
            #expect(help.stdout.contains("  " + option + " "), "\(option)")
        }
    }
}
