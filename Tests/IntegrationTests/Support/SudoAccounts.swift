import Foundation
import Testing
import WardenTesting

/// Test accounts for `become`, made on the controller (where every fleet host
/// runs): `warden-op` may run anything as `warden-svc` without a password,
/// `warden-pw` only with its password, through a sudoers drop-in. Made once
/// per machine (idempotent); the password is set afresh by each test process.
/// `warden-svc` has no login shell (`/usr/sbin/nologin`), as service accounts usually do.
struct SudoAccounts {
    static let login = "warden-op"
    static let passwordLogin = "warden-pw"
    static let service = "warden-svc"
    /// Random per test process: a test asserts it appears nowhere Warden writes.
    static let password = "pw-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(20)

    /// Why the accounts cannot be made here, or nil once they exist.
    static func prepare(_ fleet: LoopbackFleet) async throws -> String? {
        let script = """
            command -v sudo >/dev/null || { echo "sudo is not installed (scripts/lib/deps.sh installs it)"; exit 77; }
            [ "$(id -u)" = 0 ] || { echo "making test accounts needs root"; exit 77; }
            exec 9>/tmp/warden-sudo-accounts.lock && flock 9
            for u in \(login) \(passwordLogin) \(service); do id -u "$u" >/dev/null 2>&1 || useradd -m -s /bin/sh "$u" 2>/dev/null || exit 1; done
            # '*': no password, but not locked ('!'), which sshd without PAM refuses to log in.
            usermod -p '*' \(login) && usermod -p '*' \(service) || exit 1
            # A service account as they come: no login shell (the command still runs, with /bin/sh).
            usermod -s /usr/sbin/nologin \(service) || exit 1
            printf '%s:%s\\n' \(passwordLogin) '\(password)' | chpasswd || exit 1
            mkdir -p /etc/sudoers.d
            f=/etc/sudoers.d/warden-test; t=$(mktemp /etc/sudoers.d/.warden-test.XXXXXX) || exit 1
            printf '%s\\n' '# written by Warden tests (Tests/IntegrationTests/Support/SudoAccounts.swift)' \\
                '\(login) ALL=(\(service)) NOPASSWD: ALL' '\(passwordLogin) ALL=(\(service)) ALL' > "$t"
            chmod 0440 "$t" && visudo -cf "$t" >/dev/null && mv -f "$t" "$f" || { rm -f "$t"; exit 1; }
            grep -q '^@includedir /etc/sudoers.d' /etc/sudoers || grep -q '^#includedir /etc/sudoers.d' /etc/sudoers || echo '@includedir /etc/sudoers.d' >> /etc/sudoers
            """
        let (status, output) = try await fleet.controller(script)
        if status == 77 { return output.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard status == 0 else { throw TestFailure("making the sudo test accounts failed (\(status)): \(output)") }
        return nil
    }
}
