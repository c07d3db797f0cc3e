/* `dangol user add|list|disable`: the people who may sign in to `dangol serve`. The first admin
 * is made here (there is no default password). A password is read from standard input, never
 * from the command line (where ps and the shell's history would show it): typed twice without
 * echo on a terminal, else the first line of a pipe. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "cli/cli.h"
#include "dangol/audit.h"
#include "dangol/auth.h"

/* One line of stdin into buf (without its newline), echo off on a terminal; false at EOF or
 * for a line longer than buf. */
static bool read_secret_line(const char *prompt, char *buf, size_t cap)
{
    bool tty = isatty(STDIN_FILENO);
    struct termios saved, quiet;
    if (tty) {
        fprintf(stderr, "%s", prompt);
        fflush(stderr);
        if (tcgetattr(STDIN_FILENO, &saved) == 0) {
            quiet = saved;
            quiet.c_lflag &= ~(tcflag_t)ECHO;
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        } else {
            tty = false;
        }
    }
    bool ok = fgets(buf, (int)cap, stdin) != NULL;
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        fprintf(stderr, "\n");
    }
    size_t len = ok ? strlen(buf) : 0;
    if (ok && len + 1 == cap && buf[len - 1] != '\n')
        ok = false;
    while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
        buf[--len] = '\0';
    return ok;
}

/* The new user's password: DG_EXIT_OK, or a usage error (nothing read, too long, or two
 * different entries on a terminal). */
static int read_password(dg_cli *cli, char *password, size_t cap)
{
    char again[DG_PASSWORD_MAX + 2];
    if (!read_secret_line("Password: ", password, cap))
        return dg_cli_usage_error(cli, "no password on standard input (one line, %d to %d "
                                  "bytes)", DG_PASSWORD_MIN, DG_PASSWORD_MAX);
    if (isatty(STDIN_FILENO)) {
        bool same = read_secret_line("Password again: ", again, sizeof again) &&
                    strcmp(password, again) == 0;
        sodium_memzero(again, sizeof again);
        if (!same)
            return dg_cli_usage_error(cli, "the two passwords differ");
    }
    return DG_EXIT_OK;
}

static int add(dg_cli *cli, int argc, char **argv)
{
    dg_user user = { .role = DG_ROLE_NONE };
    const char *role = NULL, *site = "", *staff_id = "";
    const dg_cli_option options[] = {
        dg_cli_text("role", &role),
        dg_cli_text("site", &site),
        dg_cli_text("staff-id", &staff_id),
    };
    int first;
    int code = dg_cli_options_rest(cli, argc, argv, options, DG_CLI_N(options), &first);
    if (code != DG_EXIT_OK)
        return code;
    if (first + 1 != argc)
        return dg_cli_usage_error(cli, "user add takes one user name");
    snprintf(user.site, sizeof user.site, "%s", site);
    snprintf(user.staff_id, sizeof user.staff_id, "%s", staff_id);
    dg_error err;
    dg_error_clear(&err);
    if (!role)
        return dg_cli_usage_error(cli, "user add needs --role admin|manager|analyst|agent");
    if (dg_role_parse(role, &user.role, &err) != 0)
        return dg_cli_usage_error(cli, "%s", err.message);
    if (user.role == DG_ROLE_AGENT && !user.site[0] && !user.staff_id[0])
        return dg_cli_usage_error(cli, "an agent needs --site or --staff-id: the customers they "
                                  "may see are those of their site or assigned to them");
    snprintf(user.name, sizeof user.name, "%s", argv[first]);
    char password[DG_PASSWORD_MAX + 2];
    int rc = read_password(cli, password, sizeof password);
    dg_store *store = NULL;
    if (rc == DG_EXIT_OK)
        rc = dg_cli_open_store(cli, 0, &store);
    if (rc == DG_EXIT_OK && dg_user_add(store, &user, password, &err) != 0)
        rc = dg_cli_fail(cli, &err);
    sodium_memzero(password, sizeof password);
    if (rc == DG_EXIT_OK)   /* never the password */
        rc = dg_cli_audit(cli, store, DG_AUDIT_USER_ADD, NULL, 0, NULL,
                          json_pack("{s:n,s:{s:I,s:s,s:s,s:s,s:s}}", "before", "after",
                                    "user_id", (json_int_t)user.user_id, "name", user.name,
                                    "role", dg_role_name(user.role), "site", user.site,
                                    "staff_id", user.staff_id));
    dg_store_close(store);
    if (rc == DG_EXIT_OK && !cli->quiet)
        fprintf(stderr, "dangol user: added %s (%s)\n", user.name, dg_role_name(user.role));
    return rc;
}

static int list(dg_cli *cli)
{
    dg_store *store = NULL;
    dg_user *users = NULL;
    size_t n = 0;
    dg_error err;
    dg_error_clear(&err);
    int rc = dg_cli_open_store(cli, DG_STORE_READONLY, &store);
    if (rc != DG_EXIT_OK)
        return rc;
    if (dg_user_list(store, &users, &n, &err) != 0) {
        dg_store_close(store);
        return dg_cli_fail(cli, &err);
    }
    dg_store_close(store);
    static const char *const columns[] = { "name", "role", "disabled", "site", "staff_id",
                                           "created_at" };
    dg_table *t = dg_cli_table("users", columns, NULL, sizeof columns / sizeof columns[0]);
    for (size_t i = 0; t && i < n && dg_table_add_row(t) == 0; i++) {
        char created[32];
        dg_cli_format_time(users[i].created_at, created);
        dg_table_set_text(t, 0, users[i].name);
        dg_table_set_text(t, 1, dg_role_name(users[i].role));
        dg_table_set_text(t, 2, users[i].disabled ? "yes" : "no");
        dg_table_set_text(t, 3, users[i].site);
        dg_table_set_text(t, 4, users[i].staff_id);
        dg_table_set_text(t, 5, created);
    }
    free(users);
    return dg_cli_print_free(cli, t);
}

static int disable(dg_cli *cli, const char *name)
{
    dg_store *store = NULL;
    dg_error err;
    dg_error_clear(&err);
    int rc = dg_cli_open_store(cli, 0, &store);
    if (rc == DG_EXIT_OK && dg_user_disable(store, name, &err) != 0)
        rc = dg_cli_fail(cli, &err);
    if (rc == DG_EXIT_OK)
        rc = dg_cli_audit(cli, store, DG_AUDIT_USER_DISABLE, NULL, 0, NULL,
                          json_pack("{s:{s:s,s:b},s:{s:s,s:b}}", "before", "name", name,
                                    "disabled", 0, "after", "name", name, "disabled", 1));
    dg_store_close(store);
    if (rc == DG_EXIT_OK && !cli->quiet)
        fprintf(stderr, "dangol user: %s is disabled and their tokens revoked\n", name);
    return rc;
}

static int run(dg_cli *cli, int argc, char **argv)
{
    dg_error err;
    dg_error_clear(&err);
    if (argc < 2)
        return dg_cli_usage_error(cli, "missing subcommand; valid: add, list, disable");
    if (dg_auth_init(&err) != 0)
        return dg_cli_fail(cli, &err);
    if (strcmp(argv[1], "add") == 0)
        return add(cli, argc - 1, argv + 1);
    if (strcmp(argv[1], "list") == 0)
        return argc == 2 ? list(cli) : dg_cli_usage_error(cli, "user list takes no arguments");
    if (strcmp(argv[1], "disable") == 0)
        return argc == 3 ? disable(cli, argv[2])
                         : dg_cli_usage_error(cli, "user disable takes one user name");
    return dg_cli_usage_error(cli, "unknown subcommand \"%s\"; valid: add, list, disable",
                              argv[1]);
}

DG_CLI_COMMAND(user) = {
    "user", "add, list or disable the users who may sign in to the server",
    "usage: dangol [--db PATH] user add NAME --role ROLE [--site SITE] [--staff-id ID]\n"
    "       dangol [--db PATH] [--format table|csv|json] user list\n"
    "       dangol [--db PATH] user disable NAME\n\n"
    "The users of `dangol serve` (docs/security.md). A store without users serves loopback only\n"
    "and asks nobody to sign in; once it has one, every API request needs a session or a token.\n"
    "The first admin is made here: there is no default password.\n\n"
    "  add NAME       adds a user; the password (10 to 1024 bytes) is read from standard input:\n"
    "                 typed twice without echo on a terminal, else the first line of a pipe.\n"
    "                 It is never taken from the command line.\n"
    "  --role ROLE    admin (관리자: everything), manager (매니저: all data), analyst (분석가:\n"
    "                 reports and analyses), agent (상담 직원: the cards, orders and feedback of\n"
    "                 their own customers)\n"
    "  --site SITE    an agent's site: the customers of its staff are theirs\n"
    "  --staff-id ID  an agent's staff id: the customers assigned to it are theirs\n"
    "  list           the users, never their passwords\n"
    "  disable NAME   refuses the user from now on and revokes their tokens (sessions end at\n"
    "                 their next request)\n",
    run,
};
