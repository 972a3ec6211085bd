#ifndef YOI_SANDBOX_EXEC_H
#define YOI_SANDBOX_EXEC_H

#include <stddef.h>
#include <sys/types.h>

/// The Landlock ABI the kernel offers, or -1 when it has none (or it is disabled).
int yoi_landlock_abi(void);

/// What a path is opened for inside the sandbox.
enum yoi_sandbox_access {
  YOI_SANDBOX_READ = 0,    /* read files, list directories, execute */
  YOI_SANDBOX_WRITE = 1,   /* read, plus create, write, truncate, rename and remove */
  YOI_SANDBOX_DEVICE = 2,  /* a character device read and written (/dev/null) */
};

/// Restricts the calling process (and everything it execs or forks) to `paths`, each with its
/// `accesses` entry; a path that does not exist is skipped. TCP bind/connect is denied unless
/// `allow_network` (ABI >= 4). With ABI >= 6, signals and abstract UNIX sockets cannot reach
/// processes outside the sandbox. Sets no_new_privs. Returns 0, or an errno value.
int yoi_landlock_restrict(char *const *paths, const int *accesses, size_t count, int allow_network);

/// Starts `path` in a new process group in `directory`, stdin from /dev/null, stdout and stderr
/// on one pipe whose read end is returned. Returns 0, or an errno value.
int yoi_spawn_in_group(const char *path, char *const argv[], char *const envp[], const char *directory, int *read_fd, pid_t *pid);

/// A pidfd for `pid` (readable once it exits), or -1 on a kernel without pidfds.
/* Like yoi_spawn_in_group, for a long-lived server: its stdin and stdout are pipes (write_fd,
   read_fd), its stderr /dev/null. */
int yoi_spawn_piped(const char *path, char *const argv[], char *const envp[], const char *directory, int *write_fd, int *read_fd, pid_t *pid);

int yoi_pidfd_open(pid_t pid);

/// An eventfd (close-on-exec) that wakes a poll once `yoi_event_signal` is called on it.
int yoi_event_open(void);
void yoi_event_signal(int fd);
void yoi_event_clear(int fd);

/// Opens an absolute `path` with `flags` (O_CLOEXEC added) without following any symlink in any
/// component (openat2 with RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS). Returns a descriptor,
/// or -1 with errno set (ELOOP when a component is a symlink).
int yoi_open_no_symlinks(const char *path, int flags, unsigned int mode);

#endif
