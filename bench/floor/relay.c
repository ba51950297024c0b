/* The physical floor of a two-hop MCP relay: the smallest byte pumps that put a client and a
 * server on either side of a unix socket, with no parsing at all. bench/run.mjs compiles this
 * with `cc -O2` and runs it as the "two bare relays (floor)" target, so the table shows what the
 * two hops alone cost next to direct stdio and Manifold (shim + broker).
 *
 *   relay [--splice] hop SOCK              stdin/stdout <-> a connection to SOCK (the bare shim)
 *   relay [--splice] serve SOCK CMD ARGS   listens on SOCK; every connection gets its own CMD,
 *                                          socket <-> the child's stdin/stdout (the bare broker)
 *   relay --handoff hop SOCK               hands its stdin and stdout to SOCK's server over the
 *                                          socket (SCM_RIGHTS), then only waits for it to close
 *   relay --handoff serve SOCK CMD ARGS    takes each connection's handed-over client fds and
 *                                          pumps them <-> its CMD directly: ONE hop, the best case
 *                                          of a broker that reads and writes the client itself
 *
 * One process, one poll loop per hop, non-blocking read/write through a 64 KiB buffer per
 * direction (--splice: splice(2) through a pipe instead, so bytes never reach user space).
 * `serve` prints "listening on SOCK" once it accepts. Linux (splice); read/write is POSIX. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define BUFFER_BYTES 65536
#define MAX_SESSIONS 256

static int use_splice;
static int use_handoff;

/* One direction of a pump: bytes read from `in` wait in `buf` (or the pipe `via`) until `out`
 * takes them. Once `in` ends and nothing waits, `out` is shut (socket) or closed (pipe). */
struct flow {
  int in, out;
  int out_is_socket;
  char buf[BUFFER_BYTES];
  size_t len, off;   /* read/write: bytes in buf from off to len */
  int via[2];        /* splice: the pipe between in and out */
  size_t held;       /* splice: bytes in via */
  int in_done, dead;
};

static void die(const char *what) {
  perror(what);
  exit(1);
}

static void nonblocking(int fd) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) die("fcntl");
}

static void flow_init(struct flow *f, int in, int out, int out_is_socket) {
  memset(f, 0, sizeof *f);
  f->in = in;
  f->out = out;
  f->out_is_socket = out_is_socket;
  f->via[0] = f->via[1] = -1;
  nonblocking(in);
  nonblocking(out);
  if (use_splice && pipe2(f->via, O_NONBLOCK | O_CLOEXEC) < 0) die("pipe2");
}

static size_t waiting(const struct flow *f) {
  return use_splice ? f->held : f->len - f->off;
}

/* What poll should wait for: POLLIN on `in` when nothing waits, else POLLOUT on `out`. */
static int flow_wants_in(const struct flow *f) {
  return !f->dead && !f->in_done && waiting(f) == 0;
}
static int flow_wants_out(const struct flow *f) {
  return !f->dead && waiting(f) > 0;
}

static void flow_end_output(struct flow *f) {
  if (f->out_is_socket) shutdown(f->out, SHUT_WR);   /* the other direction still reads it */
  close(f->out);   /* each flow owns its descriptor (a dup for the second direction) */
  f->out = -1;
  f->dead = 1;
}

/* Moves what it can without blocking; marks the flow dead on EOF (once drained) or error. */
static void flow_pump(struct flow *f) {
  for (;;) {
    if (waiting(f) == 0 && !f->in_done) {
      ssize_t n = use_splice
          ? splice(f->in, NULL, f->via[1], NULL, BUFFER_BYTES, SPLICE_F_MOVE | SPLICE_F_NONBLOCK)
          : read(f->in, f->buf, sizeof f->buf);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
      if (n <= 0) {
        f->in_done = 1;
      } else if (use_splice) {
        f->held = (size_t)n;
      } else {
        f->len = (size_t)n;
        f->off = 0;
      }
    }
    if (waiting(f) == 0) {
      if (f->in_done) flow_end_output(f);
      return;
    }
    ssize_t n = use_splice
        ? splice(f->via[0], NULL, f->out, NULL, f->held, SPLICE_F_MOVE | SPLICE_F_NONBLOCK)
        : write(f->out, f->buf + f->off, f->len - f->off);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) {
      f->dead = 1;
      return;
    }
    if (use_splice) f->held -= (size_t)n;
    else f->off += (size_t)n;
  }
}

static void flow_close(struct flow *f) {
  if (f->in >= 0) close(f->in);
  if (f->out >= 0) close(f->out);
  if (f->via[0] >= 0) close(f->via[0]);
  if (f->via[1] >= 0) close(f->via[1]);
  f->in = f->out = f->via[0] = f->via[1] = -1;
}

static void add_poll(struct pollfd *fds, int *count, int fd, short events) {
  fds[*count].fd = fd;
  fds[*count].events = events;
  fds[*count].revents = 0;
  ++*count;
}

static struct sockaddr_un address_of(const char *path) {
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if (strlen(path) >= sizeof addr.sun_path) {
    fprintf(stderr, "socket path too long: %s\n", path);
    exit(2);
  }
  strcpy(addr.sun_path, path);
  return addr;
}

/* --handoff: a one-byte message with room for the client's two descriptors. */
union fd_space { struct cmsghdr header; char space[CMSG_SPACE(2 * sizeof(int))]; };

static struct msghdr fd_message(struct iovec *iov, union fd_space *control) {
  memset(control, 0, sizeof *control);
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_iov = iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control->space;
  msg.msg_controllen = sizeof control->space;
  return msg;
}

/* --handoff, client side: send fds 0 and 1 with one byte, then wait until the server is done. */
static int hand_over(int sock) {
  char byte = 'h';
  struct iovec iov = {&byte, 1};
  union fd_space control;
  struct msghdr msg = fd_message(&iov, &control);
  struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(2 * sizeof(int));
  int fds[2] = {STDIN_FILENO, STDOUT_FILENO};
  memcpy(CMSG_DATA(cmsg), fds, sizeof fds);
  if (sendmsg(sock, &msg, 0) != 1) die("sendmsg");
  char sink[64];
  while (read(sock, sink, sizeof sink) > 0) {}
  return 0;
}

/* --handoff, server side: the client's stdin and stdout, received on conn. */
static int take_over(int conn, int fds[2]) {
  char byte;
  struct iovec iov = {&byte, 1};
  union fd_space control;
  struct msghdr msg = fd_message(&iov, &control);
  if (recvmsg(conn, &msg, MSG_CMSG_CLOEXEC) != 1) return -1;
  struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
  if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS || cmsg->cmsg_len != CMSG_LEN(2 * sizeof(int))) return -1;
  memcpy(fds, CMSG_DATA(cmsg), 2 * sizeof(int));
  return 0;
}

/* The bare shim: stdin -> socket, socket -> stdout, until the server's side has ended. */
static int hop(const char *path) {
  struct sockaddr_un addr = address_of(path);
  int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0) die("socket");
  if (connect(sock, (struct sockaddr *)&addr, sizeof addr) < 0) die("connect");
  if (use_handoff) return hand_over(sock);
  static struct flow up, down;
  flow_init(&up, STDIN_FILENO, sock, 1);
  flow_init(&down, dup(sock), STDOUT_FILENO, 0);
  while (!down.dead) {
    struct pollfd fds[2];
    struct flow *owner[2];
    int count = 0;
    struct flow *flows[2] = {&up, &down};
    for (int i = 0; i < 2; ++i) {
      if (flow_wants_in(flows[i])) add_poll(fds, &count, flows[i]->in, POLLIN);
      else if (flow_wants_out(flows[i])) add_poll(fds, &count, flows[i]->out, POLLOUT);
      else continue;
      owner[count - 1] = flows[i];
    }
    if (count == 0) break;
    if (poll(fds, (nfds_t)count, -1) < 0 && errno != EINTR) die("poll");
    for (int i = 0; i < count; ++i) {
      if (fds[i].revents) flow_pump(owner[i]);
    }
  }
  return 0;
}

/* The bare broker's session: a client's connection and the server started for it. */
struct session {
  struct flow to_child, from_child;
  pid_t child;
  int held_conn; /* --handoff: the connection the hop waits on, closed when the session ends */
  int used;
};

static struct session sessions[MAX_SESSIONS];

static int start_session(int conn, char **command) {
  int client_in = conn, client_out = -1, held = -1;
  if (use_handoff) {
    int fds[2];
    if (take_over(conn, fds) < 0) {
      close(conn);
      return -1;
    }
    client_in = fds[0];
    client_out = fds[1];
    held = conn;
  }
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) die("pipe2");
  pid_t child = fork();
  if (child < 0) die("fork");
  if (child == 0) {
    signal(SIGPIPE, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
    if (dup2(in[0], STDIN_FILENO) < 0 || dup2(out[1], STDOUT_FILENO) < 0) _exit(127);
    execvp(command[0], command);
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  for (int i = 0; i < MAX_SESSIONS; ++i) {
    if (sessions[i].used) continue;
    struct session *s = &sessions[i];
    s->used = 1;
    s->child = child;
    s->held_conn = held;
    flow_init(&s->to_child, client_in, in[1], 0);
    flow_init(&s->from_child, out[0], use_handoff ? client_out : dup(conn), !use_handoff);
    return 0;
  }
  fprintf(stderr, "more than %d sessions\n", MAX_SESSIONS);
  exit(1);
}

static void end_session(struct session *s) {
  flow_close(&s->to_child);   /* the child's stdin closes: a stdio server exits */
  flow_close(&s->from_child);
  if (s->held_conn >= 0) close(s->held_conn);   /* the hop sees EOF and exits */
  s->held_conn = -1;
  s->used = 0;
}

_Noreturn static void serve(const char *path, char **command) {
  struct sockaddr_un addr = address_of(path);
  int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (listener < 0) die("socket");
  unlink(path);
  if (bind(listener, (struct sockaddr *)&addr, sizeof addr) < 0) die("bind");
  if (listen(listener, 64) < 0) die("listen");
  printf("listening on %s\n", path);
  fflush(stdout);
  static struct pollfd fds[1 + 2 * MAX_SESSIONS];
  static struct flow *owner[1 + 2 * MAX_SESSIONS];
  for (;;) {
    int count = 0;
    add_poll(fds, &count, listener, POLLIN);
    owner[0] = NULL;
    for (int i = 0; i < MAX_SESSIONS; ++i) {
      if (!sessions[i].used) continue;
      struct flow *flows[2] = {&sessions[i].to_child, &sessions[i].from_child};
      for (int j = 0; j < 2; ++j) {
        if (flow_wants_in(flows[j])) add_poll(fds, &count, flows[j]->in, POLLIN);
        else if (flow_wants_out(flows[j])) add_poll(fds, &count, flows[j]->out, POLLOUT);
        else continue;
        owner[count - 1] = flows[j];
      }
    }
    if (poll(fds, (nfds_t)count, -1) < 0) {
      if (errno == EINTR) continue;
      die("poll");
    }
    for (int i = 1; i < count; ++i) {
      if (fds[i].revents) flow_pump(owner[i]);
    }
    for (int i = 0; i < MAX_SESSIONS; ++i) {
      struct session *s = &sessions[i];
      if (s->used && s->to_child.dead && s->from_child.dead) end_session(s);
    }
    if (fds[0].revents & POLLIN) {
      int conn = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
      if (conn >= 0) start_session(conn, command);
    }
  }
}

int main(int argc, char **argv) {
  int arg = 1;
  if (arg < argc && strcmp(argv[arg], "--splice") == 0) {
    use_splice = 1;
    ++arg;
  }
  if (arg < argc && strcmp(argv[arg], "--handoff") == 0) {
    use_handoff = 1;
    ++arg;
  }
  signal(SIGPIPE, SIG_IGN);
  signal(SIGCHLD, SIG_IGN);   /* servers that exit are reaped by the kernel */
  if (argc - arg == 2 && strcmp(argv[arg], "hop") == 0) return hop(argv[arg + 1]);
  if (argc - arg >= 3 && strcmp(argv[arg], "serve") == 0) serve(argv[arg + 1], argv + arg + 2);
  fprintf(stderr, "usage: %s [--splice] [--handoff] hop SOCK | [--splice] [--handoff] serve SOCK CMD [ARGS...]\n", argv[0]);
  return 2;
}
