import CLibSSH

/// What SFTP reported about a remote path: enough to tell a regular file
/// from a link or a device, and to tell whether the file opened is the one
/// that was listed (SFTP v3 reports no inode, so kind, size, owner and
/// modification time stand in for it).
struct RemoteFileFacts: Sendable, Hashable {
    let type: UInt8
    let permissions: UInt32
    let hasSize: Bool
    let size: UInt64
    let uid: UInt32
    /// Seconds and nanoseconds since 1970; zero when not reported.
    let modified: UInt64

    init(_ attributes: sftp_attributes_struct) {
        type = attributes.type
        permissions = attributes.permissions
        hasSize = attributes.flags & UInt32(SSH_FILEXFER_ATTR_SIZE) != 0
        size = attributes.size
        uid = attributes.uid
        modified = UInt64(attributes.mtime) << 32 | UInt64(attributes.mtime_nseconds)
    }

    var isRegular: Bool { Int32(type) == SSH_FILEXFER_TYPE_REGULAR }
    var isSymlink: Bool { Int32(type) == SSH_FILEXFER_TYPE_SYMLINK }

    /// "a directory", "a character device"..., for messages.
    var kindText: String {
        // The server's mode bits say which kind of special file; libssh folds them all into "special".
        switch permissions & 0o170000 {
        case 0o140000: "a socket"
        case 0o120000: "a symbolic link"
        case 0o100000: "a regular file"
        case 0o060000: "a block device"
        case 0o040000: "a directory"
        case 0o020000: "a character device"
        case 0o010000: "a FIFO"
        default: "of an unknown kind"
        }
    }

    /// "a regular file of 12 bytes owned by uid 1000", for messages.
    var summary: String {
        "\(kindText)" + (hasSize ? " of \(size) bytes" : "") + " owned by uid \(uid)"
    }
}
