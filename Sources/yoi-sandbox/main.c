// yoi-sandbox: the small helper that confines one `shell` call (DESIGN.md §12.5). yoi starts
// it instead of itself (the yoi binary costs milliseconds to load; this one does not) with the
// layout yoi computed from the Pod's scope:
//
//   yoi-sandbox [--namespaces] [--network] [--tmp HOSTDIR]
//               [--ro P | --rw P | --hide P]...                 the view (namespaces only)
//               [--read P | --write P | --device P]...          the Landlock rules
//               --chdir DIR -- PROGRAM ARG...
//
// With --namespaces: private user, mount and PID namespaces (and a network namespace without
// --network); a fresh root holding only the system directories, the listed binds, a private
// /tmp (HOSTDIR) and the namespace's own /proc; then Landlock on top. The first process of the
// PID namespace runs PROGRAM and, when it exits, exits too: the kernel then kills every process
// left in the namespace, so nothing of the call outlives it. Without --namespaces (the kernel
// or the user refuses them) only Landlock applies, and this helper, as a child subreaper, kills
// every descendant when PROGRAM exits.
//
// SIGTERM (yoi's timeout or cancellation) kills the whole call at once. Any set-up failure
// exits 126 with a message: the program never runs with less confinement than asked.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "yoi_sandbox_exec.h"

#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
struct mount_attr {
  unsigned long long attr_set;
  unsigned long long attr_clr;
  unsigned long long propagation;
  unsigned long long userns_fd;
};
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

enum { MAX_ENTRIES = 4096 };
enum mount_kind { MOUNT_RO, MOUNT_RW, MOUNT_HIDE };

static struct {
  enum mount_kind kind;
  const char *path;
} mounts[MAX_ENTRIES];
static size_t mount_count;
static char *rule_paths[MAX_ENTRIES];
static int rule_access[MAX_ENTRIES];
static size_t rule_count;

static volatile pid_t victim; /* what SIGTERM kills: the namespace's first process */
static volatile sig_atomic_t terminated;

static void fail(const char *format, ...) {
  char message[1024];
  va_list arguments;
  va_start(arguments, format);
  vsnprintf(message, sizeof message, format, arguments);
  va_end(arguments);
  dprintf(2, "yoi sandbox: %s\n", message);
  _exit(126);
}

static void write_file(const char *path, const char *text) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) fail("cannot open %s: %s", path, strerror(errno));
  ssize_t length = (ssize_t)strlen(text);
  if (write(fd, text, (size_t)length) != length) fail("cannot write %s: %s", path, strerror(errno));
  close(fd);
}

static void make_parent(const char *path);

/* mkdir -p, each missing component mode 0755; the whole path is tried first (usually only the
   last component is missing), the parents only when that fails. */
static void make_directories(const char *path) {
  if (mkdir(path, 0755) == 0 || errno == EEXIST) return;
  if (errno != ENOENT) fail("cannot create %s: %s", path, strerror(errno));
  make_parent(path);
  if (mkdir(path, 0755) != 0 && errno != EEXIST) fail("cannot create %s: %s", path, strerror(errno));
}

static void make_parent(const char *path) {
  char buffer[4096];
  snprintf(buffer, sizeof buffer, "%s", path);
  char *slash = strrchr(buffer, '/');
  if (slash && slash != buffer) {
    *slash = 0;
    make_directories(buffer);
  }
}

/* Makes `target` read-only, with everything mounted below it. */
static void make_read_only(const char *target, int recursive) {
  struct mount_attr attributes = {.attr_set = MOUNT_ATTR_RDONLY};
  if (syscall(SYS_mount_setattr, AT_FDCWD, target, recursive ? AT_RECURSIVE : 0, &attributes, sizeof attributes) == 0) return;
  if (errno != ENOSYS) fail("cannot make %s read-only: %s", target, strerror(errno));
  if (mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) != 0)
    fail("cannot make %s read-only: %s", target, strerror(errno));
}

/* Binds host `path` (seen at /oldroot/path) at /newroot/path. A symlink (merged /usr: /bin ->
   usr/bin) is recreated as the same symlink, never followed. */
static void bind_path(const char *path, int read_only) {
  char source[4096], target[4096];
  snprintf(source, sizeof source, "/oldroot%s", path);
  snprintf(target, sizeof target, "/newroot%s", path);
  struct stat info;
  if (lstat(source, &info) != 0) return; /* nothing there: nothing to show */
  if (S_ISLNK(info.st_mode)) {
    char link[4096];
    ssize_t length = readlink(source, link, sizeof link - 1);
    if (length < 0) fail("cannot read the link %s: %s", path, strerror(errno));
    link[length] = 0;
    make_parent(target);
    if (symlink(link, target) != 0 && errno != EEXIST) fail("cannot link %s: %s", path, strerror(errno));
    return;
  }
  if (S_ISDIR(info.st_mode)) {
    make_directories(target);
  } else {
    make_parent(target);
    int fd = open(target, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EROFS && errno != EEXIST) fail("cannot create the mount point %s: %s", path, strerror(errno));
    if (fd >= 0) close(fd);
  }
  if (mount(source, target, NULL, MS_BIND | MS_REC, NULL) != 0) fail("cannot bind %s: %s", path, strerror(errno));
  if (read_only) make_read_only(target, 1);
}

/* Covers /newroot/path with something empty and read-only. */
static void hide(const char *path) {
  char target[4096];
  snprintf(target, sizeof target, "/newroot%s", path);
  struct stat info;
  if (lstat(target, &info) != 0) return; /* not visible in the view anyway */
  if (S_ISDIR(info.st_mode)) {
    if (mount("tmpfs", target, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,mode=0555") != 0)
      fail("cannot hide %s: %s", path, strerror(errno));
  } else if (mount("/empty", target, NULL, MS_BIND, NULL) != 0) {
    fail("cannot hide %s: %s", path, strerror(errno));
  } else {
    make_read_only(target, 0);
  }
}

static void bring_up_loopback(void) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  struct ifreq request;
  memset(&request, 0, sizeof request);
  strcpy(request.ifr_name, "lo");
  if (ioctl(fd, SIOCGIFFLAGS, &request) == 0) {
    request.ifr_flags |= IFF_UP;
    ioctl(fd, SIOCSIFFLAGS, &request);
  }
  close(fd);
}

static void device(const char *name) {
  char path[64];
  snprintf(path, sizeof path, "/dev/%s", name);
  bind_path(path, 0);
}

/* The fresh root: called in the new mount namespace by the PID namespace's first process. */
static void build_view(const char *host_tmp, const char *directory) {
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) fail("cannot make mounts private: %s", strerror(errno));
  /* A scratch tmpfs; pivoting into it puts the host's root at /oldroot, where every bind
     source is read from (the scratch mount itself moves away from the host's /tmp). */
  if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0) fail("cannot mount the scratch root: %s", strerror(errno));
  if (chdir("/tmp") != 0 || mkdir("newroot", 0755) != 0 || mkdir("oldroot", 0755) != 0) fail("cannot prepare the view: %s", strerror(errno));
  int empty = open("empty", O_WRONLY | O_CREAT | O_CLOEXEC, 0400);
  if (empty < 0) fail("cannot prepare the view: %s", strerror(errno));
  close(empty);
  if (mount("tmpfs", "newroot", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0) fail("cannot mount the new root: %s", strerror(errno));
  if (syscall(SYS_pivot_root, ".", "oldroot") != 0) fail("cannot pivot into the view: %s", strerror(errno));
  if (chdir("/") != 0) fail("cannot enter the view: %s", strerror(errno));

  make_directories("/newroot/dev");
  const char *devices[] = {"null", "zero", "full", "random", "urandom"};
  for (size_t i = 0; i < sizeof devices / sizeof *devices; i++) device(devices[i]);
  symlink("/proc/self/fd", "/newroot/dev/fd");
  symlink("/proc/self/fd/0", "/newroot/dev/stdin");
  symlink("/proc/self/fd/1", "/newroot/dev/stdout");
  symlink("/proc/self/fd/2", "/newroot/dev/stderr");
  make_directories("/newroot/dev/shm");
  if (mount("tmpfs", "/newroot/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=64m") != 0)
    fail("cannot mount /dev/shm: %s", strerror(errno));

  /* The private /tmp first: a workspace under the host's /tmp is bound inside it. */
  if (host_tmp) {
    char source[4096];
    snprintf(source, sizeof source, "/oldroot%s", host_tmp);
    make_directories("/newroot/tmp");
    if (mount(source, "/newroot/tmp", NULL, MS_BIND, NULL) != 0) fail("cannot bind the private /tmp: %s", strerror(errno));
  }
  for (size_t i = 0; i < mount_count; i++) {
    switch (mounts[i].kind) {
    case MOUNT_RO: bind_path(mounts[i].path, 1); break;
    case MOUNT_RW: bind_path(mounts[i].path, 0); break;
    case MOUNT_HIDE: hide(mounts[i].path); break;
    }
  }
  /* The working directory exists even where the scope shows nothing of it (a child Pod lent
     only a subdirectory of the workspace): an empty, read-only place to start from. */
  char start[4096];
  snprintf(start, sizeof start, "/newroot%s", directory);
  make_directories(start);
  make_directories("/newroot/proc");
  if (mount("proc", "/newroot/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0) fail("cannot mount /proc: %s", strerror(errno));
  make_read_only("/newroot", 0); /* the skeleton itself: nothing can be created beside the binds */

  if (chdir("/newroot") != 0 || syscall(SYS_pivot_root, ".", ".") != 0 || umount2(".", MNT_DETACH) != 0 || chdir("/") != 0)
    fail("cannot leave the host's root: %s", strerror(errno));
}

static void on_term(int signal) {
  (void)signal;
  terminated = 1;
  if (victim > 0) {
    kill(victim, SIGKILL); /* the namespace's first process: the kernel kills the rest */
    _exit(137);
  }
}

/* Kills every remaining descendant (they are all our children: we are their subreaper; a
   grandchild becomes a child as soon as its parent dies, so the loop runs until none is left). */
static void kill_descendants(void) {
  for (;;) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/children", getpid());
    FILE *file = fopen(path, "re");
    int found = 0;
    if (file) {
      int pid;
      while (fscanf(file, "%d", &pid) == 1) {
        kill(pid, SIGKILL);
        found = 1;
      }
      fclose(file);
    }
    pid_t reaped;
    while ((reaped = waitpid(-1, NULL, WNOHANG)) > 0) {}
    if (reaped < 0 && errno == ECHILD) return;
    if (!found) usleep(1000);
  }
}

static int exit_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

/* Runs the program and waits for it, reaping every orphan meanwhile; returns its exit code. */
static int run_program(char **program, const char *directory) {
  pid_t child = fork();
  if (child < 0) fail("cannot fork: %s", strerror(errno));
  if (child == 0) {
    signal(SIGTERM, SIG_DFL);
    if (chdir(directory) != 0) fail("cannot enter %s: %s", directory, strerror(errno));
    /* A fork bomb is bounded by the timeout; this bounds it further where enforced. */
    struct rlimit limit = {.rlim_cur = 4096, .rlim_max = 4096};
    setrlimit(RLIMIT_NPROC, &limit);
    execv(program[0], program);
    fail("cannot run %s: %s", program[0], strerror(errno));
  }
  int status = 0;
  for (;;) {
    int reaped_status;
    pid_t reaped = waitpid(-1, &reaped_status, 0);
    if (reaped == child) {
      status = reaped_status;
      break;
    }
    if (reaped < 0 && errno == EINTR && terminated) kill(child, SIGKILL);
    else if (reaped < 0 && errno != EINTR) break;
  }
  return exit_code(status);
}

static void landlock(int allow_network) {
  int result = yoi_landlock_restrict(rule_paths, rule_access, rule_count, allow_network);
  if (result != 0) fail("Landlock refused the sandbox: %s", strerror(result));
}

/* The layout (every bound, hidden and reserved path, yoi's data directory among them when the
   workspace holds it) is this process's argv, which the command could read back from
   /proc/1/cmdline: every string kept is copied, and the argument area is cleared. */
static void hide_arguments(int argc, char **argv, char ***program, const char **host_tmp, const char **directory) {
  for (size_t i = 0; i < mount_count; i++) mounts[i].path = strdup(mounts[i].path);
  for (size_t i = 0; i < rule_count; i++) rule_paths[i] = strdup(rule_paths[i]);
  if (*host_tmp) *host_tmp = strdup(*host_tmp);
  *directory = strdup(*directory);
  size_t count = 0;
  while ((*program)[count]) count++;
  char **copy = calloc(count + 1, sizeof *copy);
  if (!copy) fail("out of memory");
  for (size_t i = 0; i < count; i++) {
    copy[i] = strdup((*program)[i]);
    if (!copy[i]) fail("out of memory");
  }
  *program = copy;
  char *start = argv[0], *end = argv[argc - 1] + strlen(argv[argc - 1]);
  memset(start, 0, (size_t)(end - start));
}

int main(int argc, char **argv) {
  int namespaces = 0, network = 0;
  const char *host_tmp = NULL, *directory = NULL;
  char **program = NULL;
  for (int i = 1; i < argc; i++) {
    const char *argument = argv[i];
    int has_value = i + 1 < argc;
    if (strcmp(argument, "--") == 0) {
      program = argv + i + 1;
      break;
    } else if (strcmp(argument, "--namespaces") == 0) {
      namespaces = 1;
    } else if (strcmp(argument, "--network") == 0) {
      network = 1;
    } else if (!has_value) {
      fail("missing value after %s", argument);
    } else if (strcmp(argument, "--tmp") == 0) {
      host_tmp = argv[++i];
    } else if (strcmp(argument, "--chdir") == 0) {
      directory = argv[++i];
    } else if (strcmp(argument, "--ro") == 0 || strcmp(argument, "--rw") == 0 || strcmp(argument, "--hide") == 0) {
      if (mount_count == MAX_ENTRIES) fail("too many mounts");
      mounts[mount_count].kind = argument[2] == 'r' ? (argument[3] == 'o' ? MOUNT_RO : MOUNT_RW) : MOUNT_HIDE;
      mounts[mount_count++].path = argv[++i];
    } else if (strcmp(argument, "--read") == 0 || strcmp(argument, "--write") == 0 || strcmp(argument, "--device") == 0) {
      if (rule_count == MAX_ENTRIES) fail("too many rules");
      rule_access[rule_count] = argument[2] == 'r' ? YOI_SANDBOX_READ : argument[2] == 'w' ? YOI_SANDBOX_WRITE : YOI_SANDBOX_DEVICE;
      rule_paths[rule_count++] = argv[++i];
    } else {
      fail("unknown argument %s", argument);
    }
  }
  if (!program || !program[0]) fail("no program");
  if (!directory) fail("no --chdir");
  hide_arguments(argc, argv, &program, &host_tmp, &directory);

  struct sigaction action = {.sa_handler = on_term};
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, NULL);

  if (!namespaces) {
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) fail("cannot become a subreaper: %s", strerror(errno));
    landlock(network);
    int code = run_program(program, directory);
    kill_descendants();
    return terminated ? 137 : code;
  }

  uid_t uid = geteuid();
  gid_t gid = getegid();
  if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | (network ? 0 : CLONE_NEWNET)) != 0)
    fail("cannot create namespaces: %s", strerror(errno));
  char map[64];
  write_file("/proc/self/setgroups", "deny");
  snprintf(map, sizeof map, "%u %u 1\n", uid, uid);
  write_file("/proc/self/uid_map", map);
  snprintf(map, sizeof map, "%u %u 1\n", gid, gid);
  write_file("/proc/self/gid_map", map);

  sigset_t blocked, previous;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGTERM);
  sigprocmask(SIG_BLOCK, &blocked, &previous);
  pid_t init = fork();
  if (init < 0) fail("cannot fork: %s", strerror(errno));
  if (init > 0) {
    victim = init;
    sigprocmask(SIG_SETMASK, &previous, NULL);
    int status;
    while (waitpid(init, &status, 0) < 0) {
      if (errno != EINTR) fail("lost the sandbox: %s", strerror(errno));
    }
    return exit_code(status);
  }
  /* The PID namespace's first process: it dies with this helper, and everything dies with it. */
  signal(SIGTERM, SIG_DFL);
  sigprocmask(SIG_SETMASK, &previous, NULL);
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) fail("cannot tie the sandbox to yoi: %s", strerror(errno));
  build_view(host_tmp, directory);
  if (!network) bring_up_loopback();
  landlock(network);
  return run_program(program, directory);
}
