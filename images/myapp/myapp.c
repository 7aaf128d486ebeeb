/*
 * myapp — the demo application that Berth's seed manifests deploy as mycompany/myapp:v1.2.3.
 *
 * One static binary (gcc -O2 -static -pthread), no libc name-service calls, so it runs from a
 * busybox image as an unprivileged user on a read-only root filesystem and starts in milliseconds.
 *
 *   listeners (PORT, METRICS_PORT) ─┐ EPOLLEXCLUSIVE
 *                                   ├─► loop thread 1..WORKERS: epoll, non-blocking sockets,
 *                                   │     HTTP/1.1 keep-alive + pipelining, one JSON log line per request
 *                                   │     slow requests (/sleep, /alloc) ─► a helper thread, then back
 *   main thread: sigwait(TERM/INT) ─┘   drain: stop accepting, /ready → 503, close idle connections,
 *                                       finish in-flight requests, exit 0
 *
 * Endpoints (any method; HEAD omits the body):
 *   /            JSON hello: app, version, hostname, environment
 *   /health      200 "ok" | 500 while failing (/fail/health)
 *   /ready       200 "ok" | 503 while starting, failing (/fail/ready) or draining
 *   /startup     200 "ok" | 503 for STARTUP_DELAY_SECONDS after start
 *   /version     the version string
 *   /metrics     Prometheus text format 0.0.4
 *   /fail/health[?seconds=N]   /fail/ready[?seconds=N]   /reset
 *   /burn?cpu=N&seconds=S      busy-loop N threads for S seconds (seconds=0 stops all burners)
 *   /alloc?mb=N  allocate, touch and hold N MiB more   /free  release all held memory
 *   /exit?code=N answer, then exit with code N at once (no drain)
 *   /sleep?ms=N  answer after N ms                     /status/NNN  answer with status NNN
 *
 * Environment: PORT (3000), METRICS_PORT (9090, 0 = off), BIND_ADDRESS (0.0.0.0), APP_VERSION,
 * APP_NAME (myapp), NODE_ENV, STARTUP_DELAY_SECONDS (0), WORKERS (CPUs, at most 8), LOG_REQUESTS (1),
 * FAIL_HEALTH / FAIL_READY (0), SHUTDOWN_DELAY_SECONDS (0), SHUTDOWN_TIMEOUT_SECONDS (30).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef DEFAULT_VERSION
#define DEFAULT_VERSION "v1.2.3"
#endif

#define MAX_HEADER 16384           /* request line + headers; larger → 431 */
#define MAX_BODY (64L << 20)       /* request bodies are read and discarded */
#define MAX_LOOPS 8
#define LOG_CHUNK 4096             /* PIPE_BUF: one write() of at most this is never interleaved */

/* ---------------------------------------------------------------- configuration and state */

static const char *app_name = "myapp";
static const char *app_version = DEFAULT_VERSION;
static const char *node_env = "";
static char hostname[256] = "unknown";
static int log_requests = 1;
static double startup_delay;
static double start_mono, start_real;

static atomic_int draining;                 /* SIGTERM seen: /ready → 503, responses close their connection */
static atomic_int stopping;                 /* after SHUTDOWN_DELAY_SECONDS: stop accepting, close idle connections */
static atomic_llong health_fail_until_ms;   /* 0 = healthy, -1 = until /reset, else monotonic ms */
static atomic_llong ready_fail_until_ms;
static atomic_long open_conns;
static atomic_long burners;
static atomic_uint burn_generation;

static pthread_mutex_t alloc_lock = PTHREAD_MUTEX_INITIALIZER;
struct block { struct block *next; size_t size; };
static struct block *held;
static size_t held_bytes;

static double now_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long long mono_ms(void) { return (long long)(now_mono() * 1000); }

static int failing(atomic_llong *until)
{
    long long u = atomic_load(until);
    return u == -1 || (u > 0 && mono_ms() < u);
}

/* ---------------------------------------------------------------- logging */

static __thread char log_buf[LOG_CHUNK];
static __thread size_t log_len;

static void log_flush(void)
{
    size_t off = 0;
    while (off < log_len) {
        ssize_t n = write(1, log_buf + off, log_len - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break; /* stdout gone: drop the lines rather than stall */
        off += (size_t)n;
    }
    log_len = 0;
}

static void log_put(const char *line, size_t n)
{
    if (n > LOG_CHUNK) n = LOG_CHUNK;
    if (log_len + n > LOG_CHUNK) log_flush();
    memcpy(log_buf + log_len, line, n);
    log_len += n;
}

static size_t timestamp(char *out, size_t cap)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    return (size_t)snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
                            tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                            ts.tv_nsec / 1000000);
}

/* Appends s (n bytes) as JSON string content, escaping quotes, backslashes and control bytes. */
static size_t json_escape(char *out, size_t cap, const char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 7 < cap; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\') { out[o++] = '\\'; out[o++] = (char)ch; }
        else if (ch < 0x20 || ch == 0x7f) o += (size_t)snprintf(out + o, cap - o, "\\u%04x", ch);
        else out[o++] = (char)ch;
    }
    return o;
}

/* One JSON line: {"timestamp":…,"level":…,"label":app,"message":…<extra>} where extra is
 * pre-formatted JSON members starting with a comma (or empty). */
static void log_json(const char *level, const char *message, const char *fmt, ...)
{
    char line[LOG_CHUNK];
    size_t o = (size_t)snprintf(line, sizeof line, "{\"timestamp\":\"");
    o += timestamp(line + o, sizeof line - o);
    o += (size_t)snprintf(line + o, sizeof line - o, "\",\"level\":\"%s\",\"label\":\"%s\",\"message\":\"",
                          level, app_name);
    o += json_escape(line + o, sizeof line - o - 64, message, strlen(message));
    line[o++] = '"';
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(line + o, sizeof line - o - 2, fmt, ap);
        va_end(ap);
        if (n > 0) o += (size_t)n < sizeof line - o - 2 ? (size_t)n : sizeof line - o - 3;
    }
    line[o++] = '}';
    line[o++] = '\n';
    log_put(line, o);
}

/* ---------------------------------------------------------------- metrics */

enum route {
    RT_ROOT, RT_HEALTH, RT_READY, RT_STARTUP, RT_VERSION, RT_METRICS, RT_FAIL_HEALTH, RT_FAIL_READY,
    RT_RESET, RT_BURN, RT_ALLOC, RT_FREE, RT_EXIT, RT_SLEEP, RT_STATUS, RT_UNMATCHED, RT_COUNT
};
static const char *const route_paths[RT_COUNT] = {
    "/", "/health", "/ready", "/startup", "/version", "/metrics", "/fail/health", "/fail/ready",
    "/reset", "/burn", "/alloc", "/free", "/exit", "/sleep", "/status/:code", "unmatched"};

static const char *const methods[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "OTHER"};
#define METHOD_COUNT 8

/* The seed's metrics.js buckets (0.1 0.5 1 2 5 10) plus finer ones, so sub-100 ms latency shows. */
static const double buckets[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10};
static const char *const bucket_labels[] = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2", "5", "10"};
#define BUCKETS 11

struct series {
    unsigned char method, route;
    unsigned short status;
    unsigned long long count;
    double sum;
    unsigned long long bucket[BUCKETS]; /* non-cumulative; summed when written */
};
#define MAX_SERIES 2048
static struct series series[MAX_SERIES];
static int series_count;
static pthread_mutex_t series_lock = PTHREAD_MUTEX_INITIALIZER;

static int method_index(const char *m, size_t n)
{
    for (int i = 0; i < METHOD_COUNT - 1; i++)
        if (strlen(methods[i]) == n && memcmp(methods[i], m, n) == 0) return i;
    return METHOD_COUNT - 1;
}

static void observe(int method, int route, int status, double seconds)
{
    pthread_mutex_lock(&series_lock);
    struct series *s = NULL;
    for (int i = 0; i < series_count; i++)
        if (series[i].method == method && series[i].route == route && series[i].status == status) {
            s = &series[i];
            break;
        }
    if (!s && series_count < MAX_SERIES) {
        s = &series[series_count++];
        s->method = (unsigned char)method;
        s->route = (unsigned char)route;
        s->status = (unsigned short)status;
    }
    if (s) {
        s->count++;
        s->sum += seconds;
        for (int b = 0; b < BUCKETS; b++)
            if (seconds <= buckets[b]) { s->bucket[b]++; break; }
    }
    pthread_mutex_unlock(&series_lock);
}

struct sbuf { char *p; size_t len, cap; };

static void sb_reserve(struct sbuf *b, size_t more)
{
    if (b->len + more <= b->cap) return;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + more) cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) abort();
    b->p = p;
    b->cap = cap;
}

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
    sb_reserve(b, n);
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    sb_reserve(b, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

static long count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d) return -1;
    long n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') n++;
    closedir(d);
    return n - 1; /* the directory's own descriptor */
}

static void render_metrics(struct sbuf *b)
{
    /* Both status and status_code: the seed's metrics.js labels status_code, its alert rules
     * select on status; carrying both keeps either query working. */
    pthread_mutex_lock(&series_lock);
    int n = series_count;
    struct series *snap = malloc(sizeof(struct series) * (size_t)(n ? n : 1));
    if (!snap) abort();
    memcpy(snap, series, sizeof(struct series) * (size_t)n);
    pthread_mutex_unlock(&series_lock);

    sb_printf(b, "# HELP http_requests_total Total number of HTTP requests\n"
                 "# TYPE http_requests_total counter\n");
    for (int i = 0; i < n; i++)
        sb_printf(b, "http_requests_total{method=\"%s\",route=\"%s\",status=\"%d\",status_code=\"%d\"} %llu\n",
                  methods[snap[i].method], route_paths[snap[i].route], snap[i].status, snap[i].status,
                  snap[i].count);
    sb_printf(b, "# HELP http_request_duration_seconds Duration of HTTP requests in seconds\n"
                 "# TYPE http_request_duration_seconds histogram\n");
    for (int i = 0; i < n; i++) {
        char labels[256];
        snprintf(labels, sizeof labels, "method=\"%s\",route=\"%s\",status=\"%d\",status_code=\"%d\"",
                 methods[snap[i].method], route_paths[snap[i].route], snap[i].status, snap[i].status);
        unsigned long long cum = 0;
        for (int k = 0; k < BUCKETS; k++) {
            cum += snap[i].bucket[k];
            sb_printf(b, "http_request_duration_seconds_bucket{%s,le=\"%s\"} %llu\n", labels, bucket_labels[k], cum);
        }
        sb_printf(b, "http_request_duration_seconds_bucket{%s,le=\"+Inf\"} %llu\n", labels, snap[i].count);
        sb_printf(b, "http_request_duration_seconds_sum{%s} %.9g\n", labels, snap[i].sum);
        sb_printf(b, "http_request_duration_seconds_count{%s} %llu\n", labels, snap[i].count);
    }
    free(snap);
    sb_printf(b, "# HELP active_connections Number of active connections\n"
                 "# TYPE active_connections gauge\n"
                 "active_connections %ld\n", atomic_load(&open_conns));

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    long pages_total = 0, pages_rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages_total, &pages_rss) != 2) pages_total = pages_rss = 0;
        fclose(f);
    }
    long page = sysconf(_SC_PAGESIZE);
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    sb_printf(b, "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n"
                 "# TYPE process_cpu_seconds_total counter\n"
                 "process_cpu_seconds_total %.6f\n"
                 "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
                 "# TYPE process_resident_memory_bytes gauge\n"
                 "process_resident_memory_bytes %ld\n"
                 "# HELP process_virtual_memory_bytes Virtual memory size in bytes.\n"
                 "# TYPE process_virtual_memory_bytes gauge\n"
                 "process_virtual_memory_bytes %ld\n"
                 "# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.\n"
                 "# TYPE process_start_time_seconds gauge\n"
                 "process_start_time_seconds %.3f\n"
                 "# HELP process_open_fds Number of open file descriptors.\n"
                 "# TYPE process_open_fds gauge\n"
                 "process_open_fds %ld\n"
                 "# HELP process_max_fds Maximum number of open file descriptors.\n"
                 "# TYPE process_max_fds gauge\n"
                 "process_max_fds %llu\n",
              cpu, pages_rss * page, pages_total * page, start_real, count_fds(),
              (unsigned long long)rl.rlim_cur);
    pthread_mutex_lock(&alloc_lock);
    size_t held_now = held_bytes;
    pthread_mutex_unlock(&alloc_lock);
    sb_printf(b, "# HELP myapp_build_info The running version of the demo application.\n"
                 "# TYPE myapp_build_info gauge\n"
                 "myapp_build_info{app=\"%s\",version=\"%s\"} 1\n"
                 "# HELP myapp_held_memory_bytes Memory held by /alloc.\n"
                 "# TYPE myapp_held_memory_bytes gauge\n"
                 "myapp_held_memory_bytes %zu\n"
                 "# HELP myapp_cpu_burners Threads busy-looping for /burn.\n"
                 "# TYPE myapp_cpu_burners gauge\n"
                 "myapp_cpu_burners %ld\n"
                 "# HELP myapp_health_failing 1 while /health answers 500.\n"
                 "# TYPE myapp_health_failing gauge\n"
                 "myapp_health_failing %d\n"
                 "# HELP myapp_ready 1 while /ready answers 200.\n"
                 "# TYPE myapp_ready gauge\n"
                 "myapp_ready %d\n",
              app_name, app_version, held_now, atomic_load(&burners), failing(&health_fail_until_ms),
              !(failing(&ready_fail_until_ms) || atomic_load(&draining) || now_mono() - start_mono < startup_delay));
}

/* ---------------------------------------------------------------- knobs */

struct burn_arg { double until; unsigned generation; };

static void *burn_thread(void *p)
{
    struct burn_arg a = *(struct burn_arg *)p;
    free(p);
    volatile double x = 1;
    while (atomic_load(&burn_generation) == a.generation && now_mono() < a.until)
        for (int i = 0; i < 200000; i++) x = x * 1.0000001 + 1e-9;
    atomic_fetch_sub(&burners, 1);
    return NULL;
}

static int start_burn(long cpus, double seconds)
{
    unsigned gen = atomic_fetch_add(&burn_generation, 1) + 1; /* a new burn replaces the old one */
    if (seconds <= 0 || cpus <= 0) return 0;
    int started = 0;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    for (long i = 0; i < cpus; i++) {
        struct burn_arg *a = malloc(sizeof *a);
        a->until = now_mono() + seconds;
        a->generation = gen;
        atomic_fetch_add(&burners, 1);
        pthread_t t;
        if (pthread_create(&t, &attr, burn_thread, a) != 0) {
            atomic_fetch_sub(&burners, 1);
            free(a);
            break;
        }
        started++;
    }
    pthread_attr_destroy(&attr);
    return started;
}

static int hold_memory(long mb)
{
    size_t size = (size_t)mb << 20;
    struct block *blk = malloc(size);
    if (!blk) return -1;
    memset(blk, 0xa5, size); /* touch every page so it counts as resident */
    blk->size = size;
    pthread_mutex_lock(&alloc_lock);
    blk->next = held;
    held = blk;
    held_bytes += size;
    pthread_mutex_unlock(&alloc_lock);
    return 0;
}

static void free_memory(void)
{
    pthread_mutex_lock(&alloc_lock);
    struct block *b = held;
    held = NULL;
    held_bytes = 0;
    pthread_mutex_unlock(&alloc_lock);
    while (b) {
        struct block *next = b->next;
        free(b);
        b = next;
    }
}

/* ---------------------------------------------------------------- HTTP */

struct conn {
    int fd;
    struct loop *loop;
    struct conn *prev, *next;
    size_t len;            /* bytes in in[] */
    long long discard;     /* body bytes still to drop */
    struct sbuf out;
    size_t out_off;
    int close_after;       /* close once out is written */
    int peer_closed;
    int offloaded;         /* owned by a helper thread; the loop does not touch it */
    double t_read;         /* when the bytes being processed arrived */
    char in[MAX_HEADER];
};

struct loop {
    int ep, wake;
    pthread_t thread;
    struct conn *conns;
    pthread_mutex_t back_lock;
    struct conn *back;     /* returned by helper threads, linked through next */
    int listeners_removed;
};

static int listeners[2] = {-1, -1};
static int listener_count;
static struct loop loops[MAX_LOOPS];
static int loop_count;
static atomic_long offloaded_count;

struct request {
    const char *method; size_t method_len;
    const char *path; size_t path_len;     /* without the query */
    const char *query; size_t query_len;   /* after '?', may be empty */
    const char *target; size_t target_len;
    int http10, keep_alive;
    long long content_length;
    int chunked, bad;
    size_t header_len;
};

static int ieq(const char *a, size_t an, const char *b)
{
    size_t bn = strlen(b);
    return an == bn && strncasecmp(a, b, an) == 0;
}

static int contains_token(const char *v, size_t n, const char *tok)
{
    size_t tn = strlen(tok);
    for (size_t i = 0; i + tn <= n; i++)
        if (strncasecmp(v + i, tok, tn) == 0) return 1;
    return 0;
}

/* Returns 0 when the header block is incomplete, else fills r (r->bad on malformed input). */
static int parse_request(const char *buf, size_t len, struct request *r)
{
    const char *end = memmem(buf, len, "\r\n\r\n", 4);
    if (!end) return 0;
    memset(r, 0, sizeof *r);
    r->header_len = (size_t)(end - buf) + 4;
    const char *p = buf, *eol = memmem(buf, r->header_len, "\r\n", 2);
    const char *sp1 = memchr(p, ' ', (size_t)(eol - p));
    const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1)) : NULL;
    if (!sp1 || !sp2 || sp1 == p || sp2 == sp1 + 1 || eol - sp2 - 1 != 8 || memcmp(sp2 + 1, "HTTP/1.", 7) != 0) {
        r->bad = 1;
        return 1;
    }
    r->method = p; r->method_len = (size_t)(sp1 - p);
    r->target = sp1 + 1; r->target_len = (size_t)(sp2 - sp1 - 1);
    const char *q = memchr(r->target, '?', r->target_len);
    r->path = r->target;
    r->path_len = q ? (size_t)(q - r->target) : r->target_len;
    r->query = q ? q + 1 : r->target + r->target_len;
    r->query_len = q ? r->target_len - r->path_len - 1 : 0;
    r->http10 = sp2[8] == '0';
    r->keep_alive = !r->http10;
    for (p = eol + 2; p < end; p = eol + 2) {
        eol = memmem(p, (size_t)(end + 2 - p), "\r\n", 2);
        const char *colon = memchr(p, ':', (size_t)(eol - p));
        if (!colon) { r->bad = 1; return 1; }
        const char *v = colon + 1;
        while (v < eol && (*v == ' ' || *v == '\t')) v++;
        size_t vn = (size_t)(eol - v), kn = (size_t)(colon - p);
        if (ieq(p, kn, "connection")) {
            if (contains_token(v, vn, "close")) r->keep_alive = 0;
            else if (contains_token(v, vn, "keep-alive")) r->keep_alive = 1;
        } else if (ieq(p, kn, "content-length")) {
            long long cl = 0;
            if (vn == 0) r->bad = 1;
            for (size_t i = 0; i < vn && !r->bad; i++) {
                if (!isdigit((unsigned char)v[i]) || cl > MAX_BODY) r->bad = 1;
                else cl = cl * 10 + (v[i] - '0');
            }
            r->content_length = cl;
        } else if (ieq(p, kn, "transfer-encoding")) {
            r->chunked = 1;
        }
    }
    return 1;
}

/* Finds name=value in the query; returns the value parsed as a double, or def. */
static double query_num(const struct request *r, const char *name, double def)
{
    size_t nn = strlen(name);
    const char *p = r->query, *end = r->query + r->query_len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *e = amp ? amp : end;
        if ((size_t)(e - p) > nn && memcmp(p, name, nn) == 0 && p[nn] == '=') {
            char tmp[32];
            size_t vn = (size_t)(e - p - (long)nn - 1);
            if (vn >= sizeof tmp) vn = sizeof tmp - 1;
            memcpy(tmp, p + nn + 1, vn);
            tmp[vn] = 0;
            char *stop;
            double v = strtod(tmp, &stop);
            return stop != tmp ? v : def;
        }
        p = e + 1;
    }
    return def;
}

static int route_of(const struct request *r)
{
    for (int i = 0; i < RT_STATUS; i++)
        if (strlen(route_paths[i]) == r->path_len && memcmp(route_paths[i], r->path, r->path_len) == 0) return i;
    if (r->path_len == 11 && memcmp(r->path, "/status/", 8) == 0 && isdigit((unsigned char)r->path[8]) &&
        isdigit((unsigned char)r->path[9]) && isdigit((unsigned char)r->path[10]))
        return RT_STATUS;
    return RT_UNMATCHED;
}

static int is_slow(const struct request *r)
{
    int rt = route_of(r);
    return rt == RT_SLEEP || rt == RT_ALLOC;
}

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 507: return "Insufficient Storage";
    default: return status < 300 ? "OK" : status < 500 ? "Client Error" : "Server Error";
    }
}

static void respond(struct conn *c, int status, const char *ctype, const char *body, size_t blen, int head)
{
    char hdr[256];
    int keep = !c->close_after && !atomic_load(&draining);
    if (!keep) c->close_after = 1;
    int n = snprintf(hdr, sizeof hdr,
                     "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nConnection: %s\r\n\r\n",
                     status, reason(status), ctype, blen, keep ? "keep-alive" : "close");
    sb_add(&c->out, hdr, (size_t)n);
    if (!head) sb_add(&c->out, body, blen);
}

static void log_request(const struct request *r, int status, double seconds)
{
    if (!log_requests) return;
    char url[1024], method[32];
    size_t un = json_escape(url, sizeof url, r->target, r->target_len);
    size_t mn = json_escape(method, sizeof method, r->method, r->method_len);
    log_json(status >= 500 ? "error" : status >= 400 ? "warn" : "info", "request",
             ",\"method\":\"%.*s\",\"url\":\"%.*s\",\"status\":%d,\"duration\":%.3f,\"hostname\":\"%s\"",
             (int)mn, method, (int)un, url, status, seconds * 1000, hostname);
}

static int flush_blocking(struct conn *c, int timeout_ms);

/* Answers one parsed request into c->out. May block for /sleep and /alloc (helper threads only). */
static void handle(struct conn *c, const struct request *r)
{
    int head = r->method_len == 4 && memcmp(r->method, "HEAD", 4) == 0;
    int rt = route_of(r);
    int status = 200;
    const char *text = "text/plain; charset=utf-8", *json = "application/json";
    char body[1024];
    int n = 0;
    if (!r->keep_alive) c->close_after = 1;

    switch (rt) {
    case RT_HEALTH:
        if (failing(&health_fail_until_ms)) { status = 500; n = snprintf(body, sizeof body, "unhealthy"); }
        else n = snprintf(body, sizeof body, "ok");
        break;
    case RT_READY:
        if (now_mono() - start_mono < startup_delay) { status = 503; n = snprintf(body, sizeof body, "starting"); }
        else if (atomic_load(&draining)) { status = 503; n = snprintf(body, sizeof body, "shutting down"); }
        else if (failing(&ready_fail_until_ms)) { status = 503; n = snprintf(body, sizeof body, "not ready"); }
        else n = snprintf(body, sizeof body, "ok");
        break;
    case RT_STARTUP:
        if (now_mono() - start_mono < startup_delay) { status = 503; n = snprintf(body, sizeof body, "starting"); }
        else n = snprintf(body, sizeof body, "ok");
        break;
    case RT_VERSION:
        n = snprintf(body, sizeof body, "%s", app_version);
        break;
    case RT_METRICS: {
        struct sbuf m = {0};
        render_metrics(&m);
        respond(c, 200, "text/plain; version=0.0.4; charset=utf-8", m.p, m.len, head);
        free(m.p);
        goto done;
    }
    case RT_FAIL_HEALTH:
    case RT_FAIL_READY: {
        double secs = query_num(r, "seconds", 0);
        atomic_store(rt == RT_FAIL_HEALTH ? &health_fail_until_ms : &ready_fail_until_ms,
                     secs > 0 ? mono_ms() + (long long)(secs * 1000) : -1);
        n = snprintf(body, sizeof body, "{\"%s\":\"failing\",\"seconds\":%g}",
                     rt == RT_FAIL_HEALTH ? "health" : "ready", secs > 0 ? secs : -1);
        text = json;
        break;
    }
    case RT_RESET:
        atomic_store(&health_fail_until_ms, 0);
        atomic_store(&ready_fail_until_ms, 0);
        n = snprintf(body, sizeof body, "{\"health\":\"ok\",\"ready\":\"ok\"}");
        text = json;
        break;
    case RT_BURN: {
        long cpus = (long)query_num(r, "cpu", 1);
        double secs = query_num(r, "seconds", 30);
        if (cpus > 64) cpus = 64;
        if (secs > 86400) secs = 86400;
        int started = start_burn(cpus, secs);
        status = started ? 202 : 200;
        n = snprintf(body, sizeof body, "{\"burning\":%d,\"seconds\":%g}", started, started ? secs : 0);
        text = json;
        break;
    }
    case RT_ALLOC: {
        long mb = (long)query_num(r, "mb", 0);
        if (mb < 0 || mb > 1 << 20) { status = 400; n = snprintf(body, sizeof body, "{\"error\":\"mb out of range\"}"); }
        else if (mb > 0 && hold_memory(mb) != 0) { status = 507; n = snprintf(body, sizeof body, "{\"error\":\"allocation failed\"}"); }
        else {
            pthread_mutex_lock(&alloc_lock);
            size_t total = held_bytes;
            pthread_mutex_unlock(&alloc_lock);
            n = snprintf(body, sizeof body, "{\"allocated_mb\":%ld,\"held_mb\":%zu}", mb, total >> 20);
        }
        text = json;
        break;
    }
    case RT_FREE:
        free_memory();
        n = snprintf(body, sizeof body, "{\"held_mb\":0}");
        text = json;
        break;
    case RT_EXIT: {
        int code = (int)query_num(r, "code", 1);
        n = snprintf(body, sizeof body, "{\"exiting\":%d}", code);
        c->close_after = 1;
        respond(c, 200, json, body, (size_t)n, head);
        log_request(r, 200, now_mono() - c->t_read);
        log_json("warn", "exiting on request", ",\"code\":%d", code);
        flush_blocking(c, 1000);
        log_flush();
        _exit(code & 0xff);
    }
    case RT_SLEEP: {
        double ms = query_num(r, "ms", 1000);
        if (ms > 600000) ms = 600000;
        if (ms > 0) {
            struct timespec ts = {(time_t)(ms / 1000), (long)((ms - (double)(long)(ms / 1000) * 1000) * 1e6)};
            while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
        }
        n = snprintf(body, sizeof body, "{\"slept_ms\":%g}", ms > 0 ? ms : 0);
        text = json;
        break;
    }
    case RT_STATUS:
        status = (r->path[8] - '0') * 100 + (r->path[9] - '0') * 10 + (r->path[10] - '0');
        if (status < 200 || status > 599) status = 400;
        n = snprintf(body, sizeof body, "%d %s", status, reason(status));
        break;
    case RT_ROOT: {
        char host[600], ver[300], env[300];
        size_t hn = json_escape(host, sizeof host, hostname, strlen(hostname));
        size_t vn = json_escape(ver, sizeof ver, app_version, strlen(app_version));
        size_t en = json_escape(env, sizeof env, node_env, strlen(node_env));
        n = snprintf(body, sizeof body,
                     "{\"message\":\"Hello from %s\",\"app\":\"%s\",\"version\":\"%.*s\",\"hostname\":\"%.*s\",\"environment\":\"%.*s\"}\n",
                     app_name, app_name, (int)vn, ver, (int)hn, host, (int)en, env);
        text = json;
        break;
    }
    default:
        status = 404;
        n = snprintf(body, sizeof body, "{\"error\":\"not found\"}");
        text = json;
        break;
    }
    if (n < 0) n = 0;
    if ((size_t)n >= sizeof body) n = sizeof body - 1;
    respond(c, status, text, body, (size_t)n, head);
done:;
    double secs = now_mono() - c->t_read;
    observe(method_index(r->method, r->method_len), rt, status, secs);
    log_request(r, status, secs);
}

static void consume(struct conn *c, size_t n)
{
    if (n >= c->len) { c->len = 0; return; }
    memmove(c->in, c->in + n, c->len - n);
    c->len -= n;
}

static void error_response(struct conn *c, int status, const char *msg)
{
    c->close_after = 1;
    respond(c, status, "text/plain; charset=utf-8", msg, strlen(msg), 0);
    observe(METHOD_COUNT - 1, RT_UNMATCHED, status, now_mono() - c->t_read);
    if (log_requests)
        log_json("warn", "bad request", ",\"status\":%d,\"error\":\"%s\",\"hostname\":\"%s\"", status, msg, hostname);
    c->len = 0;
}

enum { PROCESSED, DEFER };

/* Answers every complete request in c->in. With may_block = 0 it stops before a slow request
 * and returns DEFER so the caller can hand the connection to a helper thread. */
static int process(struct conn *c, int may_block)
{
    while (!c->close_after) {
        if (c->discard > 0) {
            size_t k = (size_t)c->discard < c->len ? (size_t)c->discard : c->len;
            consume(c, k);
            c->discard -= (long long)k;
            if (c->discard > 0) return PROCESSED;
        }
        if (c->len == 0) return PROCESSED;
        struct request r;
        if (!parse_request(c->in, c->len, &r)) {
            if (c->len == sizeof c->in) error_response(c, 431, "request headers too large");
            return PROCESSED;
        }
        if (r.bad) { error_response(c, 400, "malformed request"); return PROCESSED; }
        if (r.chunked) { error_response(c, 411, "chunked request bodies are not supported"); return PROCESSED; }
        if (r.content_length > MAX_BODY) { error_response(c, 413, "request body too large"); return PROCESSED; }
        if (!may_block && is_slow(&r)) return DEFER;
        handle(c, &r);
        consume(c, r.header_len);
        c->discard = r.content_length;
    }
    return PROCESSED;
}

/* 1 = all written, 0 = would block, -1 = connection broken. */
static int flush_out(struct conn *c)
{
    while (c->out_off < c->out.len) {
        ssize_t n = send(c->fd, c->out.p + c->out_off, c->out.len - c->out_off, MSG_NOSIGNAL);
        if (n > 0) c->out_off += (size_t)n;
        else if (n < 0 && errno == EINTR) continue;
        else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
        else return -1;
    }
    c->out.len = c->out_off = 0;
    if (c->out.cap > 65536) { free(c->out.p); c->out.p = NULL; c->out.cap = 0; }
    return 1;
}

static int flush_blocking(struct conn *c, int timeout_ms)
{
    double deadline = now_mono() + timeout_ms / 1000.0;
    for (;;) {
        int r = flush_out(c);
        if (r != 0) return r;
        int left = (int)((deadline - now_mono()) * 1000);
        if (left <= 0) return -1;
        struct pollfd p = {c->fd, POLLOUT, 0};
        poll(&p, 1, left);
    }
}

/* ---------------------------------------------------------------- event loops */

static void loop_wake(struct loop *lp)
{
    uint64_t one = 1;
    ssize_t n = write(lp->wake, &one, sizeof one);
    (void)n;
}

static void conn_close(struct loop *lp, struct conn *c)
{
    epoll_ctl(lp->ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    if (c->prev) c->prev->next = c->next; else lp->conns = c->next;
    if (c->next) c->next->prev = c->prev;
    free(c->out.p);
    free(c);
    atomic_fetch_sub(&open_conns, 1);
}

static void conn_watch(struct loop *lp, struct conn *c, int op)
{
    struct epoll_event ev = {.events = c->out.len > c->out_off ? EPOLLOUT : EPOLLIN | EPOLLRDHUP, .data.ptr = c};
    epoll_ctl(lp->ep, op, c->fd, &ev);
}

static void *offload_thread(void *p);

/* While offloaded, a connection stays out of the loop's list, so the list holds only what the loop owns. */
static void unlink_conn(struct loop *lp, struct conn *c)
{
    if (c->prev) c->prev->next = c->next; else lp->conns = c->next;
    if (c->next) c->next->prev = c->prev;
    c->prev = c->next = NULL;
}

static void link_conn(struct loop *lp, struct conn *c)
{
    c->prev = NULL;
    c->next = lp->conns;
    if (lp->conns) lp->conns->prev = c;
    lp->conns = c;
}

static int idle(const struct conn *c)
{
    return !c->offloaded && c->len == 0 && c->discard == 0 && c->out.len == c->out_off;
}

/* After reading or writing: answer what is complete, write, then decide the connection's fate. */
static void conn_progress(struct loop *lp, struct conn *c)
{
    if (c->out.len == c->out_off && process(c, 0) == DEFER) {
        epoll_ctl(lp->ep, EPOLL_CTL_DEL, c->fd, NULL);
        c->offloaded = 1;
        unlink_conn(lp, c);
        atomic_fetch_add(&offloaded_count, 1);
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&attr, 256 * 1024);
        if (pthread_create(&t, &attr, offload_thread, c) != 0) {
            c->offloaded = 0;
            link_conn(lp, c);
            atomic_fetch_sub(&offloaded_count, 1);
            error_response(c, 503, "busy");
            conn_watch(lp, c, EPOLL_CTL_ADD);
        } else {
            pthread_attr_destroy(&attr);
            return;
        }
        pthread_attr_destroy(&attr);
    }
    int w = flush_out(c);
    if (w < 0) { conn_close(lp, c); return; }
    if (w == 0) { conn_watch(lp, c, EPOLL_CTL_MOD); return; }
    if (c->close_after || c->peer_closed || (atomic_load(&stopping) && idle(c))) { conn_close(lp, c); return; }
    conn_watch(lp, c, EPOLL_CTL_MOD);
}

static void *offload_thread(void *p)
{
    struct conn *c = p;
    struct loop *lp = c->loop;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    if (flush_blocking(c, 30000) >= 0) {
        struct request r;
        if (parse_request(c->in, c->len, &r)) {
            handle(c, &r);
            consume(c, r.header_len);
            c->discard = r.content_length;
        }
        if (flush_blocking(c, 30000) < 0) c->close_after = 1;
    } else {
        c->close_after = 1;
    }
    log_flush();
    pthread_mutex_lock(&lp->back_lock);
    c->next = lp->back; /* reused as the queue link; the loop relinks it into its list */
    lp->back = c;
    pthread_mutex_unlock(&lp->back_lock);
    loop_wake(lp);
    return NULL;
}

static void accept_some(struct loop *lp, int lfd)
{
    for (int i = 0; i < 64; i++) {
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        struct conn *c = calloc(1, sizeof *c);
        if (!c) { close(fd); return; }
        c->fd = fd;
        c->loop = lp;
        link_conn(lp, c);
        atomic_fetch_add(&open_conns, 1);
        conn_watch(lp, c, EPOLL_CTL_ADD);
    }
}

static void take_back(struct loop *lp)
{
    pthread_mutex_lock(&lp->back_lock);
    struct conn *c = lp->back;
    lp->back = NULL;
    pthread_mutex_unlock(&lp->back_lock);
    while (c) {
        struct conn *next = c->next;
        /* Relink into the loop's list: the helper thread borrowed next as its queue link. */
        c->offloaded = 0;
        link_conn(lp, c);
        atomic_fetch_sub(&offloaded_count, 1);
        if (c->close_after || c->peer_closed) conn_close(lp, c);
        else {
            conn_watch(lp, c, EPOLL_CTL_ADD);
            c->t_read = now_mono();
            conn_progress(lp, c); /* pipelined requests that arrived behind the slow one */
        }
        c = next;
    }
}

static void drain_step(struct loop *lp)
{
    if (!lp->listeners_removed) {
        for (int i = 0; i < listener_count; i++) epoll_ctl(lp->ep, EPOLL_CTL_DEL, listeners[i], NULL);
        lp->listeners_removed = 1;
    }
    for (struct conn *c = lp->conns, *next; c; c = next) {
        next = c->next;
        if (!idle(c)) continue;
        /* A request may be in the socket but not yet read: answer it rather than drop it. */
        ssize_t n = recv(c->fd, c->in, sizeof c->in, MSG_DONTWAIT);
        if (n > 0) {
            c->len = (size_t)n;
            c->t_read = now_mono();
            conn_progress(lp, c);
        } else {
            conn_close(lp, c);
        }
    }
}

static void *loop_thread(void *p)
{
    struct loop *lp = p;
    struct epoll_event evs[128];
    for (;;) {
        int dr = atomic_load(&stopping);
        if (dr) {
            drain_step(lp);
            if (!lp->conns && atomic_load(&offloaded_count) == 0) break;
        }
        int n = epoll_wait(lp->ep, evs, 128, dr ? 50 : -1);
        double t = now_mono();
        for (int i = 0; i < n; i++) {
            void *ptr = evs[i].data.ptr;
            if (ptr == &listeners[0] || ptr == &listeners[1]) {
                if (!atomic_load(&stopping)) accept_some(lp, *(int *)ptr);
                continue;
            }
            if (ptr == lp) {
                uint64_t v;
                ssize_t r = read(lp->wake, &v, sizeof v);
                (void)r;
                take_back(lp);
                continue;
            }
            struct conn *c = ptr;
            if (evs[i].events & EPOLLOUT) {
                int w = flush_out(c);
                if (w < 0) { conn_close(lp, c); continue; }
                if (w == 0) continue;
                c->t_read = t;
                conn_progress(lp, c);
                continue;
            }
            if (c->len == sizeof c->in) continue; /* cannot happen: a full buffer is answered with 431 */
            ssize_t r = recv(c->fd, c->in + c->len, sizeof c->in - c->len, 0);
            if (r > 0) c->len += (size_t)r;
            else if (r == 0) c->peer_closed = 1;
            else if (errno != EAGAIN && errno != EINTR) { conn_close(lp, c); continue; }
            c->t_read = t;
            conn_progress(lp, c);
        }
        log_flush();
    }
    log_flush();
    return NULL;
}

/* ---------------------------------------------------------------- startup and shutdown */

static double env_num(const char *name, double def)
{
    const char *v = getenv(name);
    if (!v || !*v) return def;
    char *end;
    double d = strtod(v, &end);
    return end != v ? d : def;
}

static int listen_on(const char *addr, int port)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
        log_json("error", "BIND_ADDRESS is not an IPv4 address", ",\"address\":\"%s\"", addr);
        return -1;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 4096) != 0) {
        log_json("error", "cannot listen", ",\"address\":\"%s\",\"port\":%d,\"error\":\"%s\"", addr, port, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

int main(void)
{
    start_mono = now_mono();
    struct timespec rt;
    clock_gettime(CLOCK_REALTIME, &rt);
    start_real = rt.tv_sec + rt.tv_nsec / 1e9;
    signal(SIGPIPE, SIG_IGN);

    if (getenv("APP_VERSION") && *getenv("APP_VERSION")) app_version = getenv("APP_VERSION");
    if (getenv("APP_NAME") && *getenv("APP_NAME")) app_name = getenv("APP_NAME");
    if (getenv("NODE_ENV")) node_env = getenv("NODE_ENV");
    gethostname(hostname, sizeof hostname - 1);
    log_requests = env_num("LOG_REQUESTS", 1) != 0;
    startup_delay = env_num("STARTUP_DELAY_SECONDS", 0);
    if (env_num("FAIL_HEALTH", 0) != 0) atomic_store(&health_fail_until_ms, -1);
    if (env_num("FAIL_READY", 0) != 0) atomic_store(&ready_fail_until_ms, -1);
    int port = (int)env_num("PORT", 3000), metrics_port = (int)env_num("METRICS_PORT", 9090);
    const char *bind_addr = getenv("BIND_ADDRESS") && *getenv("BIND_ADDRESS") ? getenv("BIND_ADDRESS") : "0.0.0.0";

    cpu_set_t cpus;
    int ncpu = sched_getaffinity(0, sizeof cpus, &cpus) == 0 ? CPU_COUNT(&cpus) : 2;
    loop_count = (int)env_num("WORKERS", ncpu);
    if (loop_count < 1) loop_count = 1;
    if (loop_count > MAX_LOOPS) loop_count = MAX_LOOPS;

    /* Signals go to the main thread only (sigwait below): block them before any thread starts.
     * SIGCHLD too: as PID 1 of its container the app inherits what `kubectl exec` leaves behind,
     * and reaps it so no zombie piles up. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGCHLD);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);

    if ((listeners[0] = listen_on(bind_addr, port)) < 0) { log_flush(); return 1; }
    listener_count = 1;
    if (metrics_port > 0 && metrics_port != port) {
        if ((listeners[1] = listen_on(bind_addr, metrics_port)) >= 0) listener_count = 2;
    }

    for (int i = 0; i < loop_count; i++) {
        struct loop *lp = &loops[i];
        lp->ep = epoll_create1(EPOLL_CLOEXEC);
        lp->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        pthread_mutex_init(&lp->back_lock, NULL);
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = lp};
        epoll_ctl(lp->ep, EPOLL_CTL_ADD, lp->wake, &ev);
        for (int k = 0; k < listener_count; k++) {
            struct epoll_event lev = {.events = EPOLLIN | EPOLLEXCLUSIVE, .data.ptr = &listeners[k]};
            epoll_ctl(lp->ep, EPOLL_CTL_ADD, listeners[k], &lev);
        }
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, 256 * 1024);
        pthread_create(&lp->thread, &attr, loop_thread, lp);
        pthread_attr_destroy(&attr);
    }
    log_json("info", "listening",
             ",\"version\":\"%s\",\"address\":\"%s\",\"port\":%d,\"metricsPort\":%d,\"workers\":%d,\"uid\":%d,\"hostname\":\"%s\",\"startupDelaySeconds\":%g",
             app_version, bind_addr, port, listener_count == 2 ? metrics_port : 0, loop_count, (int)getuid(), hostname, startup_delay);
    log_flush();

    int sig = 0;
    for (;;) {
        if (sigwait(&sigs, &sig) != 0) continue;
        if (sig != SIGCHLD) break;
        while (waitpid(-1, NULL, WNOHANG) > 0) {}
    }
    log_json("info", "shutting down", ",\"signal\":\"%s\",\"connections\":%ld",
             sig == SIGTERM ? "SIGTERM" : "SIGINT", atomic_load(&open_conns));
    log_flush();
    atomic_store(&draining, 1); /* /ready answers 503 from now on */
    double delay = env_num("SHUTDOWN_DELAY_SECONDS", 0);
    if (delay > 0) {
        /* Keep serving while endpoints drop this pod (like a preStop sleep), then stop accepting. */
        struct timespec ts = {(time_t)delay, (long)((delay - (long)delay) * 1e9)};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
    }
    atomic_store(&stopping, 1);
    for (int i = 0; i < loop_count; i++) loop_wake(&loops[i]);

    /* A second TERM/INT, or the timeout, ends the drain early. */
    double deadline = now_mono() + env_num("SHUTDOWN_TIMEOUT_SECONDS", 30);
    int joined[MAX_LOOPS] = {0};
    for (;;) {
        int done = 1;
        for (int i = 0; i < loop_count; i++) {
            if (!joined[i] && pthread_tryjoin_np(loops[i].thread, NULL) == 0) joined[i] = 1;
            if (!joined[i]) done = 0;
        }
        if (done) break;
        double left = deadline - now_mono();
        if (left <= 0) { log_json("warn", "drain timed out", ",\"connections\":%ld", atomic_load(&open_conns)); break; }
        struct timespec ts = {0, 20 * 1000 * 1000};
        siginfo_t si;
        int got = sigtimedwait(&sigs, &si, &ts);
        if (got == SIGCHLD) while (waitpid(-1, NULL, WNOHANG) > 0) {}
        else if (got > 0) { log_json("warn", "second signal: exiting now", NULL); break; }
    }
    log_json("info", "stopped", ",\"exitCode\":0");
    log_flush();
    _exit(0);
}
