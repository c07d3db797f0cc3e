/* `dangol token create|revoke|list`: API tokens for programs that call `dangol serve`. A token's
 * text is printed once, by create, on standard output alone (so `T=$(dangol token create ...)`
 * takes it); the store keeps only a keyed hash of it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "cli/cli.h"
#include "dangol/audit.h"
#include "dangol/auth.h"

#define MAX_EXPIRY_DAYS 3650

/* --role ROLE (ctx: the dg_role). */
static int parse_role(const dg_cli *cli, const char *text, void *ctx)
{
    dg_error err;
    dg_error_clear(&err);
    if (dg_role_parse(text, ctx, &err) != 0)
        return dg_cli_usage_error(cli, "%s", err.message);
    return DG_EXIT_OK;
}

/* --expires-days N (ctx: the long). */
static int parse_expiry(const dg_cli *cli, const char *text, void *ctx)
{
    char *end = NULL;
    long days = strtol(text, &end, 10);
    if (!*text || *end || days < 1 || days > MAX_EXPIRY_DAYS)
        return dg_cli_usage_error(cli, "--expires-days \"%s\" must be from 1 to %d", text,
                                  MAX_EXPIRY_DAYS);
    *(long *)ctx = days;
    return DG_EXIT_OK;
}

static int create(dg_cli *cli, int argc, char **argv)
{
    const char *user = NULL, *label = "";
    dg_role role = DG_ROLE_NONE;
    long days = 0;
    const dg_cli_option options[] = {
        dg_cli_text("user", &user),
        dg_cli_call("role", parse_role, &role),
        dg_cli_text("label", &label),
        dg_cli_call("expires-days", parse_expiry, &days),
    };
    int code = dg_cli_options(cli, argc, argv, options, DG_CLI_N(options), NULL, 0);
    if (code != DG_EXIT_OK)
        return code;
    if (!user)
        return dg_cli_usage_error(cli, "token create needs --user NAME");
    dg_error err;
    dg_error_clear(&err);
    dg_store *store = NULL;
    char token[DG_TOKEN_TEXT_MAX];
    int64_t token_id = 0, expires_at = days ? (int64_t)time(NULL) + days * 86400 : 0;
    int rc = dg_cli_open_store(cli, 0, &store);
    if (rc != DG_EXIT_OK)
        return rc;
    if (dg_token_create(store, user, role, label, expires_at, token, &token_id, &err) != 0)
        rc = dg_cli_fail(cli, &err);
    if (rc == DG_EXIT_OK)   /* never the token */
        rc = dg_cli_audit(cli, store, DG_AUDIT_TOKEN_CREATE, NULL, 0, NULL,
                          json_pack("{s:n,s:{s:I,s:s,s:s,s:s,s:I}}", "before", "after",
                                    "token_id", (json_int_t)token_id, "user", user,
                                    "role", role == DG_ROLE_NONE ? "(the user's)"
                                                                 : dg_role_name(role),
                                    "label", label, "expires_at", (json_int_t)expires_at));
    if (rc != DG_EXIT_OK)
        sodium_memzero(token, sizeof token);
    dg_store_close(store);
    if (rc != DG_EXIT_OK)
        return rc;
    printf("%s\n", token);
    sodium_memzero(token, sizeof token);
    if (fflush(stdout) != 0)
        return DG_EXIT_FAILURE;
    if (!cli->quiet)
        fprintf(stderr, "dangol token: token %lld for %s; it is shown this once: keep it now "
                        "(send it as Authorization: Bearer TOKEN)\n", (long long)token_id, user);
    return DG_EXIT_OK;
}

static int revoke(dg_cli *cli, const char *id_text)
{
    char *end = NULL;
    long long id = strtoll(id_text, &end, 10);
    if (!*id_text || *end || id < 1)
        return dg_cli_usage_error(cli, "token id \"%s\" is not a number (see `dangol token "
                                  "list`)", id_text);
    dg_store *store = NULL;
    dg_error err;
    dg_error_clear(&err);
    int rc = dg_cli_open_store(cli, 0, &store);
    if (rc == DG_EXIT_OK && dg_token_revoke(store, id, &err) != 0)
        rc = dg_cli_fail(cli, &err);
    if (rc == DG_EXIT_OK)
        rc = dg_cli_audit(cli, store, DG_AUDIT_TOKEN_REVOKE, NULL, 0, NULL,
                          json_pack("{s:{s:I,s:b},s:{s:I,s:b}}", "before", "token_id",
                                    (json_int_t)id, "revoked", 0, "after", "token_id",
                                    (json_int_t)id, "revoked", 1));
    dg_store_close(store);
    return rc;
}

static int list(dg_cli *cli)
{
    dg_store *store = NULL;
    dg_token_info *tokens = NULL;
    size_t n = 0;
    dg_error err;
    dg_error_clear(&err);
    int rc = dg_cli_open_store(cli, DG_STORE_READONLY, &store);
    if (rc != DG_EXIT_OK)
        return rc;
    if (dg_token_list(store, &tokens, &n, &err) != 0) {
        dg_store_close(store);
        return dg_cli_fail(cli, &err);
    }
    dg_store_close(store);
    static const char *const columns[] = { "token_id", "user", "label", "role", "created_at",
                                           "expires_at", "revoked_at" };
    static const dg_cell_type types[] = { DG_CELL_INT, DG_CELL_TEXT, DG_CELL_TEXT, DG_CELL_TEXT,
                                          DG_CELL_TEXT, DG_CELL_TEXT, DG_CELL_TEXT };
    dg_table *t = dg_cli_table("tokens", columns, types, sizeof columns / sizeof columns[0]);
    for (size_t i = 0; t && i < n && dg_table_add_row(t) == 0; i++) {
        char created[32], expires[32], revoked[32];
        dg_cli_format_time(tokens[i].created_at, created);
        dg_cli_format_time(tokens[i].expires_at, expires);
        dg_cli_format_time(tokens[i].revoked_at, revoked);
        dg_table_set_int(t, 0, tokens[i].token_id);
        dg_table_set_text(t, 1, tokens[i].user);
        dg_table_set_text(t, 2, tokens[i].label);
        dg_table_set_text(t, 3, dg_role_name(tokens[i].role));
        dg_table_set_text(t, 4, created);
        dg_table_set_text(t, 5, expires);
        dg_table_set_text(t, 6, revoked);
    }
    free(tokens);
    return dg_cli_print_free(cli, t);
}

static int run(dg_cli *cli, int argc, char **argv)
{
    dg_error err;
    dg_error_clear(&err);
    if (argc < 2)
        return dg_cli_usage_error(cli, "missing subcommand; valid: create, revoke, list");
    if (dg_auth_init(&err) != 0)
        return dg_cli_fail(cli, &err);
    if (strcmp(argv[1], "create") == 0)
        return create(cli, argc - 1, argv + 1);
    if (strcmp(argv[1], "revoke") == 0)
        return argc == 3 ? revoke(cli, argv[2])
                         : dg_cli_usage_error(cli, "token revoke takes one token id");
    if (strcmp(argv[1], "list") == 0)
        return argc == 2 ? list(cli) : dg_cli_usage_error(cli, "token list takes no arguments");
    return dg_cli_usage_error(cli, "unknown subcommand \"%s\"; valid: create, revoke, list",
                              argv[1]);
}

DG_CLI_COMMAND(token) = {
    "token", "create, revoke or list the API tokens of the server's users",
    "usage: dangol [--db PATH] token create --user NAME [--role ROLE] [--label TEXT]\n"
    "                                       [--expires-days N]\n"
    "       dangol [--db PATH] token revoke ID\n"
    "       dangol [--db PATH] [--format table|csv|json] token list\n\n"
    "API tokens let a program call `dangol serve` with `Authorization: Bearer TOKEN`\n"
    "(docs/security.md). A token is 256 random bits; the store keeps only a keyed hash of it.\n\n"
    "  create           prints a new token on standard output, once: it cannot be shown again\n"
    "  --user NAME      the user the token acts for (it stops when the user is disabled)\n"
    "  --role ROLE      the token's role: the user's (default) or a lower one (analyst for a\n"
    "                   reporting job of a manager); an agent's token is an agent's\n"
    "  --label TEXT     what the token is for, shown by list\n"
    "  --expires-days N the token stops working N days from now (1-3650; default: never)\n"
    "  revoke ID        stops the token ID (from list) at once\n"
    "  list             the tokens with their user, role, creation, expiry and revocation, never\n"
    "                   their text\n",
    run,
};
