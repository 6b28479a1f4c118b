/* nutbench: GET VAR request/reply throughput of a NUT server.
 * Usage: nutbench HOST PORT UPS VAR CONNECTIONS SECONDS
 * Each connection sends "GET VAR UPS VAR\n", waits for the one-line reply, repeats (no pipelining, like upsc,
 * upsmon and Home Assistant). Prints the total replies per second; fails if any reply is not "VAR …". */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *host, *ups, *var;
static int port, seconds;
static volatile int stop_flag;

struct worker { pthread_t t; long replies; int failed; };

static double now(void) { struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts); return ts.tv_sec + ts.tv_nsec / 1e9; }

static void *run(void *arg) {
    struct worker *w = arg;
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
    inet_pton(AF_INET, host, &a.sin_addr);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) { w->failed = 1; return NULL; }
    char req[256], buf[1024];
    int len = snprintf(req, sizeof req, "GET VAR %s %s\n", ups, var);
    while (!stop_flag) {
        if (write(fd, req, len) != len) { w->failed = 1; break; }
        int got = 0;
        for (;;) {
            ssize_t n = read(fd, buf + got, sizeof buf - 1 - got);
            if (n <= 0) { w->failed = 1; goto out; }
            got += n;
            if (buf[got - 1] == '\n') break;
            if (got >= (int)sizeof buf - 1) { w->failed = 1; goto out; }
        }
        if (strncmp(buf, "VAR ", 4) != 0) { buf[got] = 0; fprintf(stderr, "bad reply: %s", buf); w->failed = 1; break; }
        w->replies++;
    }
out:
    close(fd);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 7) { fprintf(stderr, "usage: nutbench HOST PORT UPS VAR CONNECTIONS SECONDS\n"); return 2; }
    host = argv[1]; port = atoi(argv[2]); ups = argv[3]; var = argv[4];
    int n = atoi(argv[5]); seconds = atoi(argv[6]);
    struct worker *w = calloc(n, sizeof *w);
    double t0 = now();
    for (int i = 0; i < n; i++) pthread_create(&w[i].t, NULL, run, &w[i]);
    sleep(seconds);
    stop_flag = 1;
    long total = 0; int failed = 0;
    for (int i = 0; i < n; i++) { pthread_join(w[i].t, NULL); total += w[i].replies; failed |= w[i].failed; }
    double dt = now() - t0;
    printf("%.0f\n", total / dt);
    return failed ? 1 : 0;
}
