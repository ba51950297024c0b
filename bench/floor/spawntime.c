/* Spawn-to-exit time of a program, without node's own spawn cost in it: bench/run.mjs compiles
 * this with `cc -O2` and times `/bin/true` (the spawn floor), `manifold-shim --version` and a shim
 * that connects, gets its welcome and exits (stdin at EOF).
 *
 *   spawntime RUNS WARMUP PROG [ARGS...]
 *
 * Each run: posix_spawn with stdin, stdout and stderr on /dev/null, then wait4. Prints one JSON
 * line: {"runs":N,"failed":F,"firstStatus":S,"wallMs":[...],"cpuMs":[...]} (CPU: user + system of
 * that child, from wait4's rusage). A run that does not exit 0 counts as failed and its time
 * is left out. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double cpu_ms(const struct rusage *ru) {
  return (double)(ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) * 1e3 +
         (double)(ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) / 1e3;
}

/* One spawn: returns the exit status (wait4's), wall and CPU time in ms. */
static int run_once(char **argv, posix_spawn_file_actions_t *actions, double *wall, double *cpu) {
  pid_t pid;
  double start = now_ms();
  int error = posix_spawn(&pid, argv[0], actions, NULL, argv, environ);
  if (error) return -1;
  int status = 0;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) < 0) return -1;
  *wall = now_ms() - start;
  *cpu = cpu_ms(&ru);
  return status;
}

static void print_list(const char *name, const double *values, int count) {
  printf(",\"%s\":[", name);
  for (int i = 0; i < count; ++i) printf("%s%.4f", i ? "," : "", values[i]);
  printf("]");
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s RUNS WARMUP PROG [ARGS...]\n", argv[0]);
    return 2;
  }
  int runs = atoi(argv[1]);
  int warmup = atoi(argv[2]);
  char **command = argv + 3;
  if (runs <= 0 || warmup < 0) return 2;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  for (int fd = 0; fd <= 2; ++fd) {
    posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0);
  }
  double *wall = calloc((size_t)runs, sizeof *wall);
  double *cpu = calloc((size_t)runs, sizeof *cpu);
  if (!wall || !cpu) return 1;
  int kept = 0, failed = 0, first_status = 0;
  for (int i = 0; i < warmup + runs; ++i) {
    double w = 0, c = 0;
    int status = run_once(command, &actions, &w, &c);
    if (i < warmup) continue;
    if (status != 0) {
      if (!failed) first_status = status;
      ++failed;
      continue;
    }
    wall[kept] = w;
    cpu[kept] = c;
    ++kept;
  }
  printf("{\"runs\":%d,\"failed\":%d,\"firstStatus\":%d", runs, failed, first_status);
  print_list("wallMs", wall, kept);
  print_list("cpuMs", cpu, kept);
  printf("}\n");
  return 0;
}
