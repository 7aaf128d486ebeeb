/*
 * pause — the sandbox (pod infrastructure) process of Berth's pods, image berth/pause:3.9.
 *
 * It holds the pod's namespaces open, reaps every zombie that is reparented to it (it is PID 1 of
 * the pod's PID namespace when the namespace is shared), and exits 0 on SIGTERM or SIGINT so that
 * stopping a sandbox is quick. `pause -v` prints its version. Built static: gcc -Os -static.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PAUSE_VERSION
#define PAUSE_VERSION "3.9"
#endif

static void on_stop(int sig)
{
    static const char msg[] = "pause: stopping on signal\n";
    ssize_t n = write(2, msg, sizeof msg - 1);
    (void)n;
    (void)sig;
    _exit(0);
}

static void on_child(int sig)
{
    (void)sig;
    while (waitpid(-1, NULL, WNOHANG) > 0) {}
}

int main(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "-v") == 0 || strcmp(argv[1], "--version") == 0)) {
        printf("berth pause %s\n", PAUSE_VERSION);
        return 0;
    }
    if (getpid() != 1)
        fprintf(stderr, "pause: warning: not PID 1, so orphans of this namespace are not reaped here\n");

    struct sigaction stop = {.sa_handler = on_stop};
    sigemptyset(&stop.sa_mask);
    if (sigaction(SIGTERM, &stop, NULL) != 0 || sigaction(SIGINT, &stop, NULL) != 0) return 1;
    struct sigaction child = {.sa_handler = on_child, .sa_flags = SA_NOCLDSTOP | SA_RESTART};
    sigemptyset(&child.sa_mask);
    if (sigaction(SIGCHLD, &child, NULL) != 0) return 2;

    for (;;) pause();
}
