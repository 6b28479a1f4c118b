/* The machine's floor for the CPU row: one thread that does nothing but sleep in poll(2) with a timeout, at a given
 * rate, its CPU read from /proc/thread-self/schedstat (nanoseconds on the CPU, exact). Run at the gateway's own
 * wake-up rate, it says what those wake-ups cost on this machine with no work behind them.
 *   empty-wakeups RATE_PER_SECOND SECONDS
 * Prints: rate_per_s N  cpu_us_per_wakeup N  cpu_s_per_min N */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int ran(unsigned long long *ns) {
    FILE *f = fopen("/proc/thread-self/schedstat", "r");
    if (!f) return 0;
    int ok = fscanf(f, "%llu", ns) == 1;
    fclose(f);
    return ok;
}

int main(int argc, char **argv) {
    if (argc != 3 || atof(argv[1]) <= 0 || atoi(argv[2]) <= 0) {
        fprintf(stderr, "usage: empty-wakeups RATE_PER_SECOND SECONDS\n");
        return 2;
    }
    int timeout_ms = (int)(1000.0 / atof(argv[1]) + 0.5);
    if (timeout_ms < 1) timeout_ms = 1;
    int secs = atoi(argv[2]);
    unsigned long long ns0, ns1;
    if (!ran(&ns0)) { fprintf(stderr, "cannot read /proc/thread-self/schedstat (no schedstats in this kernel?)\n"); return 1; }
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    long n = 0;
    do {
        poll(NULL, 0, timeout_ms);
        n++;
        clock_gettime(CLOCK_MONOTONIC, &b);
    } while (b.tv_sec - a.tv_sec < secs);
    if (!ran(&ns1)) return 1;
    double elapsed = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
    printf("rate_per_s %.1f\ncpu_us_per_wakeup %.1f\ncpu_s_per_min %.4f\n",
           n / elapsed, (ns1 - ns0) / 1e3 / n, (ns1 - ns0) / 1e9 / elapsed * 60);
    return 0;
}
