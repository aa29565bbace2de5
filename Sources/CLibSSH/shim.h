/*
 * What Swift cannot import from libssh directly: function-like macros,
 * and the exit-status API that changed between 0.10 and 0.11.
 * Everything else is imported from the libssh headers as they are.
 */
#ifndef CLIBSSH_SHIM_H
#define CLIBSSH_SHIM_H

#include <string.h>
#include <libssh/libssh.h>
#include <libssh/callbacks.h>
#include <libssh/sftp.h>

/* ssh_send_keepalive is declared in server.h, which also drags in the
 * server API; declare just the one client-usable function. */
LIBSSH_API int ssh_send_keepalive(ssh_session session);

static inline int clibssh_version_int(void) { return LIBSSH_VERSION_INT; }

/* ssh_callbacks_init is a macro that sets the struct's size field;
 * libssh ignores a callbacks struct whose size is unset. */
static inline void clibssh_channel_callbacks_init(struct ssh_channel_callbacks_struct *cb) {
    memset(cb, 0, sizeof(*cb));
    ssh_callbacks_init(cb);
}

/* Exit status across 0.10 (ssh_channel_get_exit_status, -1 when killed by a
 * signal) and 0.11+ (ssh_channel_get_exit_state, get_exit_status deprecated).
 * Only meaningful once the channel has seen exit-status or close. */
static inline int clibssh_exit_state(ssh_channel ch, uint32_t *code, char **sig, int *core) {
#if LIBSSH_VERSION_INT >= SSH_VERSION_INT(0, 11, 0)
    return ssh_channel_get_exit_state(ch, code, sig, core);
#else
    int st = ssh_channel_get_exit_status(ch);
    if (sig) *sig = NULL;
    if (core) *core = 0;
    if (st < 0) return SSH_ERROR;
    *code = (uint32_t)st;
    return SSH_OK;
#endif
}

#endif
