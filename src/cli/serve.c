/* `dangol serve`: the HTTP JSON API and the dashboard until SIGINT or SIGTERM, on a loopback
 * address, or another one when the store has users (so that every request authenticates). The signals are blocked before the server's threads start (they inherit the mask) and
 * taken with sigwait here, so shutdown runs in ordinary code: stop accepting, finish the requests
 * in flight, close the stores. */
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli.h"
#include "dangol/report.h"
#include "dangol/report_voc.h"
#include "server/server.h"

static bool parse_unsigned(const char *text, unsigned long max, unsigned long *out)
{
    char *end = NULL;
    if (!text || !*text || *text == '-')
        return false;
    unsigned long v = strtoul(text, &end, 10);
    if (*end || v > max)
        return false;
    *out = v;
    return true;
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The dashboard directory when --web is not given: $DANGOL_WEB, else web/ of the source tree the
 * binary was built in (build/dangol -> web/), else the installed share/dangol/web. */
static const char *default_web_dir(char *buf, size_t cap)
{
    const char *env = getenv("DANGOL_WEB");
    if (env && *env)
        return env;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    static const char *const candidates[] = { "../web", "../share/dangol/web" };
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
        snprintf(buf, cap, "%s/%s", exe, candidates[i]);
        if (is_dir(buf))
            return buf;
    }
    return NULL;
}

/* Lets the server hold as many connections as the system allows this process: a crowd of idle or
 * half-sent connections then does not use up a soft limit of 1,024 files (the server's own limit
 * and timeout bound them, see dg_server_start). */
static void raise_file_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
            perror("dangol serve: cannot raise the open-file limit");
    }
}

/* The files serve reads beside its options, and whether to serve the dashboard. */
typedef struct serve_files {
    const char *points_rules, *calendar, *sla, *cert, *key, *followup_rules;
    const char *economics;
    const char *mot_cycle, *consult_types;
    bool no_web;
} serve_files;

/* Checks the address, loads the configuration files and serves until a stop signal. */
static int serve(dg_cli *cli, dg_server_options opt, const serve_files *f)
{
    const char *points_rules_path = f->points_rules, *calendar_path = f->calendar;
    const char *sla_path = f->sla;
    bool no_web = f->no_web;
    dg_points_rules points_rules;
    dg_calendar calendar;
    dg_ticket_sla ticket_sla;
    dg_followup_rules followup_rules;
    dg_economics_config economics;
    dg_mot_cycle mot_cycle;
    char web_buf[PATH_MAX];
    dg_error err;
    dg_error_clear(&err);
    if (dg_server_check_bind(&opt, &err) != 0) {
        fprintf(stderr, "dangol serve: %s\n", err.message);
        return DG_EXIT_USAGE;
    }
    if (points_rules_path) {
        dg_points_rules_default(&points_rules);
        if (dg_points_rules_load(&points_rules, points_rules_path, &err) != 0)
            return dg_cli_fail(cli, &err);
        opt.points_rules = &points_rules;
    }
    if (f->economics) {
        dg_economics_config_init(&economics);
        if (dg_economics_config_load(&economics, f->economics, &err) != 0)
            return dg_cli_fail(cli, &err);
        opt.economics = &economics;
    }
    if (calendar_path) {
        if (dg_calendar_load(&calendar, calendar_path, &err) != 0)
            return dg_cli_fail(cli, &err);
        opt.calendar = &calendar;
    }
    if (sla_path) {
        if (dg_ticket_sla_default(&ticket_sla, &err) != 0 ||
            dg_ticket_sla_load(&ticket_sla, sla_path, &err) != 0)
            return dg_cli_fail(cli, &err);
        opt.ticket_sla = &ticket_sla;
    }
    if (f->mot_cycle) {
        dg_mot_cycle_default(&mot_cycle);
        if (dg_mot_cycle_load(&mot_cycle, f->mot_cycle, &err) != 0)
            return dg_cli_fail(cli, &err);
        opt.mot_cycle = &mot_cycle;
    }
    if (f->followup_rules) {
        if (dg_followup_rules_load(&followup_rules, f->followup_rules, &err) != 0)
            return dg_cli_fail(cli, &err);
        opt.followup_rules = &followup_rules;
    }
    dg_consult_types *consult_types = NULL;   /* freed once the server has stopped */
    if (f->consult_types) {
        if (dg_consult_types_load(&consult_types, f->consult_types, &err) != 0)
            return dg_cli_fail(cli, &err);
        opt.consult_types = consult_types;
    }
    if (no_web)
        opt.web_dir = NULL;
    else if (!opt.web_dir)
        opt.web_dir = default_web_dir(web_buf, sizeof web_buf);
    if (!no_web && !opt.web_dir && !cli->quiet)
        fprintf(stderr, "dangol serve: no dashboard directory found (give --web DIR); serving "
                        "the API only\n");

    if (opt.threads == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        opt.threads = cpus > 0 && cpus <= 256 ? (unsigned)cpus : 2;
    }
    /* Block the stop signals in every thread; this one takes them with sigwait. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);

    raise_file_limit();
    dg_server *server = NULL;
    if (dg_server_start(&server, &opt, &err) != 0) {
        pthread_sigmask(SIG_UNBLOCK, &stop, NULL);
        dg_consult_types_free(consult_types);
        return dg_cli_fail(cli, &err);
    }
    const char *host = strchr(opt.bind, ':') ? "[::1]" : strcmp(opt.bind, "localhost") == 0
                                                             ? "127.0.0.1" : opt.bind;
    printf("dangol: serving %s at %s://%s:%u/ (%u threads%s%s); Ctrl-C stops\n", cli->db_name,
           opt.tls_cert ? "https" : "http", host, dg_server_port(server), opt.threads,
           opt.web_dir ? ", dashboard on" : ", API only",
           dg_server_authenticates(server) ? ", sign-in required"
                                           : ", no users: no sign-in, this machine only");
    fflush(stdout);
    if (opt.web_dir && !cli->quiet) {
        char probe[PATH_MAX + 64];
        snprintf(probe, sizeof probe, "%s/" DG_SERVER_CHART_LIBRARY, opt.web_dir);
        if (access(probe, R_OK) != 0)
            fprintf(stderr, "dangol serve: %s has no charting library; run `make web` for the "
                            "dashboard's charts\n", opt.web_dir);
    }
    int sig = 0;
    sigwait(&stop, &sig);
    if (!cli->quiet)
        fprintf(stderr, "dangol serve: %s received, finishing requests in flight\n",
                sig == SIGINT ? "SIGINT" : "SIGTERM");
    dg_server_stop(server);
    dg_consult_types_free(consult_types);
    pthread_sigmask(SIG_UNBLOCK, &stop, NULL);
    return DG_EXIT_OK;
}

static int run(dg_cli *cli, int argc, char **argv)
{
    static const struct option options[] = {
        { "bind", required_argument, NULL, 'b' },
        { "port", required_argument, NULL, 'p' },
        { "threads", required_argument, NULL, 't' },
        { "web", required_argument, NULL, 'w' },
        { "no-web", no_argument, NULL, 'n' },
        { "max-body", required_argument, NULL, 'm' },
        { "read-only", no_argument, NULL, 'r' },
        { "points-rules", required_argument, NULL, 'P' },
        { "session-idle", required_argument, NULL, 'i' },
        { "calendar", required_argument, NULL, 'C' },
        { "sla", required_argument, NULL, 'S' },
        { "tls-cert", required_argument, NULL, 'T' },
        { "tls-key", required_argument, NULL, 'K' },
        { "behind-tls-proxy", no_argument, NULL, 'X' },
        { "followup-rules", required_argument, NULL, 'F' },
        { "economics-config", required_argument, NULL, 'E' },
        { "mot-cycle", required_argument, NULL, 'M' },
        { "consult-types", required_argument, NULL, 'Y' },
        { 0 },
    };
    dg_server_options opt = { .db_path = cli->db_path, .bind = "127.0.0.1", .port = 8080,
                              .max_body = 1 << 20 };
    serve_files f = { 0 };
    unsigned long value;
    int o;
    while ((o = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (o) {
        case 'b': opt.bind = optarg; break;
        case 'p':
            if (!parse_unsigned(optarg, 65535, &value))
                return dg_cli_usage_error(cli, "--port \"%s\" is not a port (0-65535; 0 picks a "
                                          "free one)", optarg);
            opt.port = (unsigned)value;
            break;
        case 't':
            if (!parse_unsigned(optarg, 256, &value) || value == 0)
                return dg_cli_usage_error(cli, "--threads \"%s\" must be from 1 to 256", optarg);
            opt.threads = (unsigned)value;
            break;
        case 'w': opt.web_dir = optarg; break;
        case 'n': f.no_web = true; break;
        case 'm':
            if (!parse_unsigned(optarg, 1UL << 30, &value) || value == 0)
                return dg_cli_usage_error(cli, "--max-body \"%s\" must be a byte count from 1 to "
                                          "1073741824", optarg);
            opt.max_body = value;
            break;
        case 'r': opt.read_only = true; break;
        case 'P': f.points_rules = optarg; break;
        case 'C': f.calendar = optarg; break;
        case 'S': f.sla = optarg; break;
        case 'F': f.followup_rules = optarg; break;
        case 'E': f.economics = optarg; break;
        case 'T': f.cert = optarg; break;
        case 'K': f.key = optarg; break;
        case 'X': opt.behind_tls_proxy = true; break;
        case 'M': f.mot_cycle = optarg; break;
        case 'Y': f.consult_types = optarg; break;
        case 'i':
            if (!parse_unsigned(optarg, 7 * 86400, &value) || value == 0)
                return dg_cli_usage_error(cli, "--session-idle \"%s\" must be seconds from 1 to "
                                          "604800", optarg);
            opt.session_idle_seconds = (unsigned)value;
            break;
        default:
            return dg_cli_usage_error(cli, "unknown option %s", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return dg_cli_usage_error(cli, "unexpected argument \"%s\"", argv[optind]);

    if (!f.cert != !f.key)
        return dg_cli_usage_error(cli, "--tls-cert and --tls-key go together");
    if (f.cert && opt.behind_tls_proxy)
        return dg_cli_usage_error(cli, "--behind-tls-proxy says a proxy speaks TLS; with "
                                  "--tls-cert the server speaks it itself: give one or the other");
    dg_error err;
    dg_error_clear(&err);
    char *cert = NULL, *key = NULL;
    if (f.cert && (dg_text_file_read(&cert, f.cert, &err) != 0 ||
                   dg_text_file_read(&key, f.key, &err) != 0)) {
        free(cert);
        return dg_cli_usage_error(cli, "%s", err.message);
    }
    if (cert && !strstr(cert, "-----BEGIN CERTIFICATE-----"))
        dg_error_set(&err, DG_EINVAL, "--tls-cert %s: not a PEM certificate (no \"-----BEGIN "
                     "CERTIFICATE-----\" line)", f.cert);
    else if (key && !strstr(key, "PRIVATE KEY-----"))
        dg_error_set(&err, DG_EINVAL, "--tls-key %s: not a PEM private key (no \"-----BEGIN "
                     "... PRIVATE KEY-----\" line)", f.key);
    opt.tls_cert = cert;
    opt.tls_key = key;
    int code = err.code ? dg_cli_fail(cli, &err) : serve(cli, opt, &f);
    if (key)
        sodium_memzero(key, strlen(key));   /* the private key leaves no copy in freed memory */
    free(cert);
    free(key);
    return code;
}

DG_CLI_COMMAND(serve) = {
    "serve", "serve the JSON API and the dashboard over HTTP",
    "usage: dangol [--db PATH] serve [--bind ADDR] [--port N] [--threads N] [--web DIR]\n"
    "                              [--no-web] [--max-body BYTES] [--read-only]\n"
    "                              [--points-rules FILE] [--session-idle SECONDS]\n"
    "                              [--calendar FILE] [--sla FILE] [--mot-cycle FILE]\n"
    "                              [--followup-rules FILE] [--consult-types FILE]\n"
    "                              [--tls-cert FILE --tls-key FILE | --behind-tls-proxy]\n"
    "                              [--economics-config FILE]\n\n"
    "Serves the store's JSON API under /api/ (described by /api/openapi.json) and the dashboard\n"
    "(the static pages of --web DIR, default the web/ directory of this build) until SIGINT or\n"
    "SIGTERM, then stops accepting connections, lets the requests in flight finish (up to 30 s)\n"
    "and exits.\n\n"
    "Who may ask (docs/security.md): a store without users (`dangol user add`) asks nobody to\n"
    "sign in and is served on loopback only. Once it has a user, every API request but sign-in,\n"
    "/api/version and /api/vocabulary needs a session (POST /api/login) or an API token\n"
    "(`dangol token create`), and each route its role. Another address than loopback needs\n"
    "users and TLS: the server's own (--tls-cert, --tls-key) or a proxy's on this machine.\n\n"
    "  --bind ADDR      address to listen on: 127.0.0.1 (default), ::1 or localhost; another\n"
    "                   only when the store has users and with --tls-cert and --tls-key\n"
    "  --tls-cert FILE, --tls-key FILE\n"
    "                   serve HTTPS with this PEM certificate (chain) and private key\n"
    "  --behind-tls-proxy\n"
    "                   a TLS proxy on this machine forwards to the server: the session cookie\n"
    "                   is marked Secure; loopback only\n"
    "  --port N         TCP port (default 8080; 0 picks a free one, printed at start)\n"
    "  --threads N      worker threads, each with its own store connection (default: CPUs)\n"
    "  --max-body BYTES largest request body accepted (default 1048576); larger answers 413\n"
    "  --read-only      open the store read-only; writes answer 405 (sign-in still works)\n"
    "  --session-idle SECONDS\n"
    "                   a session unused this long ends (default 1800)\n"
    "  --points-rules FILE  earning rules of the points routes (config/points.conf; default:\n"
    "                   the built-in ones)\n"
    "  --calendar FILE  business calendar of the ticket routes (config/calendar.conf; default:\n"
    "                   the built-in one)\n"
    "  --sla FILE       SLA targets of the ticket routes (config/sla.conf; default: built-in)\n"
    "  --followup-rules FILE  follow-up rules of POST /api/followups/schedule\n"
    "                   (config/followups.conf; default: the built-in ones)\n"
    "  --economics-config FILE  settings of the economics routes (config/economics.conf;\n"
    "                   default: the built-in ones, tickets not costed)\n"
    "  --mot-cycle FILE the touchpoint cycle of the MOT routes (config/mot.conf; default:\n"
    "                   built-in)\n"
    "  --consult-types FILE  the consultation types of the card and of POST\n"
    "                   /api/customers/ID/type (config/consult_types.conf; default: built-in)\n",
    run,
};
