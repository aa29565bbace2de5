import CLibSSH
import Foundation

extension SSHSession {
    /// Opens a session channel, acknowledging every packet at once while it waits.
    ///
    /// Right after authentication sshd sends small packets the client has no
    /// reply to (hostkeys-00). Linux delays the ACK for them ~40 ms, and
    /// sshd, with Nagle on, holds the channel-open confirmation until that ACK
    /// arrives: every first command on a host would wait 40 ms for nothing.
    /// Setting TCP_QUICKACK sends a pending ACK at once, but only while one is
    /// pending, so it is set after each wake-up of the wait, in non-blocking mode.
    func openChannel(_ channel: OpaquePointer) -> Int32 {
        let fd = ssh_get_fd(raw)
        guard fd >= 0 else { return ssh_channel_open_session(channel) }
        ssh_set_blocking(raw, 0)
        defer { ssh_set_blocking(raw, 1) }
        let clock = ContinuousClock()
        let giveUp = clock.now + target.connectTimeout
        while true {
            let rc = ssh_channel_open_session(channel)
            guard rc == SSH_AGAIN else { return rc }
            guard clock.now < giveUp else { return SSH_ERROR }
            var waiting = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            _ = poll(&waiting, 1, 50)
            var on: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_QUICKACK, &on, socklen_t(MemoryLayout<Int32>.size))
        }
    }
}
