// Landlock (https://docs.kernel.org/userspace-api/landlock.html) for the shell tool. Called by
// the hidden `yoi __sandbox-exec` entry point in a fresh process just before it execs /bin/sh:
// never from a Swift frame after fork.
#define _GNU_SOURCE
#include "yoi_sandbox_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0)
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif

/* The ruleset attribute as of ABI 6 (older kernels read only the prefix they know). */
struct yoi_ruleset_attr {
  uint64_t handled_access_fs;
  uint64_t handled_access_net;
  uint64_t scoped;
};

int yoi_landlock_abi(void) {
  long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
  return abi < 0 ? -1 : (int)abi;
}

static uint64_t fs_rights(int abi) {
  uint64_t rights = (1ULL << 13) - 1; /* ABI 1: EXECUTE .. MAKE_SYM */
  if (abi >= 2) rights |= LANDLOCK_ACCESS_FS_REFER;
  if (abi >= 3) rights |= LANDLOCK_ACCESS_FS_TRUNCATE;
  if (abi >= 5) rights |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
  return rights;
}

static const uint64_t read_rights = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;
/* Write never includes making device nodes. */
static const uint64_t write_rights = LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
                                     LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |
                                     LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_SYM | LANDLOCK_ACCESS_FS_REFER |
                                     LANDLOCK_ACCESS_FS_TRUNCATE;
/* The rights a rule on a non-directory may carry. */
static const uint64_t file_rights = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE |
                                    LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV;

int yoi_landlock_restrict(char *const *paths, const int *accesses, size_t count, int allow_network) {
  int abi = yoi_landlock_abi();
  if (abi < 1) return ENOSYS;
  uint64_t handled = fs_rights(abi);
  struct yoi_ruleset_attr attr = {.handled_access_fs = handled};
  size_t attr_size = sizeof(uint64_t);
  if (abi >= 4) {
    attr.handled_access_net = allow_network ? 0 : (LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP);
    attr_size = 2 * sizeof(uint64_t);
  }
  if (abi >= 6) {
    attr.scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | LANDLOCK_SCOPE_SIGNAL;
    attr_size = sizeof(attr);
  }
  int ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, attr_size, 0);
  if (ruleset < 0) return errno;

  for (size_t i = 0; i < count; i++) {
    int fd = open(paths[i], O_PATH | O_CLOEXEC);
    if (fd < 0) continue; /* a path that does not exist grants nothing */
    struct stat info;
    if (fstat(fd, &info) != 0) {
      close(fd);
      continue;
    }
    uint64_t allowed = read_rights;
    if (accesses[i] == YOI_SANDBOX_WRITE) allowed |= write_rights;
    if (accesses[i] == YOI_SANDBOX_DEVICE)
      allowed = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV;
    if (!S_ISDIR(info.st_mode)) allowed &= file_rights;
    struct landlock_path_beneath_attr rule = {.allowed_access = allowed & handled, .parent_fd = fd};
    long added = syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
    int saved = errno;
    close(fd);
    if (added != 0) {
      close(ruleset);
      return saved;
    }
  }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || syscall(SYS_landlock_restrict_self, ruleset, 0) != 0) {
    int saved = errno;
    close(ruleset);
    return saved;
  }
  close(ruleset);
  return 0;
}

/* posix_spawn in a new process group (killed whole), with default dispositions and an empty
   mask (yoi itself ignores SIGINT and SIGTERM while it runs); `actions` is destroyed here. */
static int spawn_in_new_group(const char *path, char *const argv[], char *const envp[], posix_spawn_file_actions_t *actions, pid_t *pid) {
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t defaults, empty;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGQUIT);
  sigaddset(&defaults, SIGHUP);
  sigemptyset(&empty);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setsigmask(&attributes, &empty);
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  int result = posix_spawn(pid, path, actions, &attributes, argv, envp);
  posix_spawn_file_actions_destroy(actions);
  posix_spawnattr_destroy(&attributes);
  return result;
}

int yoi_spawn_in_group(const char *path, char *const argv[], char *const envp[], const char *directory, int *read_fd, pid_t *pid) {
  int ends[2];
  if (pipe2(ends, O_CLOEXEC) != 0) return errno;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, ends[1], 1);
  posix_spawn_file_actions_adddup2(&actions, ends[1], 2);
  posix_spawn_file_actions_addchdir_np(&actions, directory);
  int result = spawn_in_new_group(path, argv, envp, &actions, pid);
  close(ends[1]);
  if (result != 0) {
    close(ends[0]);
    return result;
  }
  *read_fd = ends[0];
  return 0;
}

int yoi_spawn_piped(const char *path, char *const argv[], char *const envp[], const char *directory, int *write_fd, int *read_fd, pid_t *pid) {
  int input[2], output[2];
  if (pipe2(input, O_CLOEXEC) != 0) return errno;
  if (pipe2(output, O_CLOEXEC) != 0) {
    int saved = errno;
    close(input[0]);
    close(input[1]);
    return saved;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, input[0], 0);
  posix_spawn_file_actions_adddup2(&actions, output[1], 1);
  /* A server's log lines are not the protocol: stderr goes nowhere. */
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addchdir_np(&actions, directory);
  int result = spawn_in_new_group(path, argv, envp, &actions, pid);
  close(input[0]);
  close(output[1]);
  if (result != 0) {
    close(input[1]);
    close(output[0]);
    return result;
  }
  *write_fd = input[1];
  *read_fd = output[0];
  return 0;
}

int yoi_pidfd_open(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

int yoi_event_open(void) { return eventfd(0, EFD_CLOEXEC); }

void yoi_event_signal(int fd) { eventfd_write(fd, 1); }

void yoi_event_clear(int fd) {
  eventfd_t value;
  eventfd_read(fd, &value);
}

int yoi_open_no_symlinks(const char *path, int flags, unsigned int mode) {
  struct open_how how = {
      .flags = (uint64_t)(flags | O_CLOEXEC),
      .mode = (flags & O_CREAT) ? mode : 0,
      .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
  };
  return (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how);
}
