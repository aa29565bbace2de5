/// Hands a command secret files without putting a secret on any command line
/// on the host.
///
/// Everything on a command line is readable by every account on the host
/// (`ps`, `/proc/PID/cmdline`), and that includes the line sshd hands the
/// login shell. So the line carries only the number of files; their contents
/// follow on the channel's stdin, one line each, octal-escaped for the
/// shell's built-in `printf %b` (so any byte, newlines and NUL included,
/// survives `read`). The wrapper
///
/// - reports its process group first, as `ProcessGroupWrapper` does, so a
///   timeout or cancellation can kill the group;
/// - refuses to go on (exit 125, nothing run) when the login shell's `printf`
///   is not a built-in: an external `printf` would show the escaped secret in
///   its own argv;
/// - makes a fresh folder with `mktemp -d` under umask 077, in
///   `$XDG_RUNTIME_DIR` when it is the user's own, else `/dev/shm` (memory),
///   else `/tmp` (both sticky: nobody else can rename or replace
///   the folder), and writes files `1`…`N` there, mode 0600;
/// - runs the command with `WARDEN_SECRETS` naming the folder (the templates
///   render `{{ secret_file … }}` as `"${WARDEN_SECRETS:?}/N"`);
/// - removes the folder when the command ends, whatever ends it.
///
/// The command runs as a child the wrapper `wait`s for, not through `exec`:
/// the wrapper must outlive it to remove the folder. A trapped signal ends a
/// `wait` at once (a foreground command would defer the trap until it
/// exits), so the TERM of a timeout or cancellation removes the files right
/// away even when the command ignores TERM and is only ended by the KILL two
/// seconds later. Two consequences of the child: its stdin is `/dev/null`
/// (the secret block used the channel's stdin, and end of file follows it),
/// and a command killed by a signal is reported as exit status 128+n rather
/// than as an exit signal. A `kill -9` of the wrapper alone (nothing Warden
/// does) would leave the folder behind, still 0700.
enum SecretFilesWrapper {
    /// More than this many bytes of escaped payload are refused before anything
    /// is sent: the payload is written before the command's deadline is watched,
    /// and it must fit in the channel's window (OpenSSH's is 2 MiB) so that the
    /// write never waits on a command that does not read it.
    static let maximumPayload = 1 << 20

    /// The wrapped command line, for `count` secret files. No secret is in it.
    static func wrap(_ command: String, files count: Int) -> String {
        // Swift raw strings: every `$`, `"` and `\` below is the shell's (`\#(…)` is Swift's).
        let lines: [String] = [
            ProcessGroupWrapper.report + #"; umask 077; WARDEN_SECRETS="#,
            #"trap '[ -z "$WARDEN_SECRETS" ] || rm -rf "$WARDEN_SECRETS"' EXIT; trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM"#,
            #"case $(command -V printf 2>&1) in *builtin*) ;; *) echo "warden: the login shell has no built-in printf, so secret files cannot be written without showing them in a process list; nothing was run" >&2; exit 125;; esac"#,
            #"b=; for d in "$XDG_RUNTIME_DIR" /dev/shm /tmp; do [ -n "$d" ] && [ -d "$d" ] && [ -w "$d" ] && { [ -O "$d" ] || [ -k "$d" ]; } && { b=$d; break; }; done"#,
            #"[ -n "$b" ] || { echo "warden: no private place for secret files (XDG_RUNTIME_DIR, /dev/shm, /tmp); nothing was run" >&2; exit 125; }"#,
            #"WARDEN_SECRETS=$(mktemp -d "$b/warden-secrets.XXXXXXXXXX") || { WARDEN_SECRETS=; echo "warden: mktemp -d failed in $b; nothing was run" >&2; exit 125; }"#,
            #"i=0; while [ $i -lt \#(count) ]; do i=$((i+1)); IFS= read -r l || { echo "warden: secret file $i did not arrive whole; nothing was run" >&2; exit 125; }; printf %b "$l" > "$WARDEN_SECRETS/$i" || exit 125; done; l="#,
            #"export WARDEN_SECRETS; "${SHELL:-/bin/sh}" -c \#(ShellQuoting.quote(command)) & wait $!"#,
        ]
        return lines.joined(separator: "\n")
    }

    /// What follows the line on stdin: one line per file, every byte but
    /// ASCII letters and digits written as `\0ooo` (what `printf %b` turns
    /// back into the byte, whatever the shell and locale).
    static func payload(_ files: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(files.reduce(0) { $0 + $1.count * 5 + 1 })
        for file in files {
            for byte in file {
                if isPlain(byte) {
                    out.append(byte)
                } else {
                    let zero = UInt8(ascii: "0")
                    out += [UInt8(ascii: "\\"), zero, zero + (byte >> 6), zero + ((byte >> 3) & 7), zero + (byte & 7)]
                }
            }
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    private static func isPlain(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
