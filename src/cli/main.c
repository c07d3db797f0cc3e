/* dangol: entry point. Pulls the global options out of argv, finds the command in the generated
 * table (build/gen/commands.inc, from every DG_CLI_COMMAND in src/cli) and runs it. */
#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#include "commands.inc"

#define N_COMMANDS (sizeof dg_cli_commands / sizeof dg_cli_commands[0])

static void print_help(FILE *out)
{
    fputs("dangol — customer relationship and loyalty analytics\n\n"
          "usage: dangol [--db PATH] [--format table|csv|json] [--quiet] COMMAND [ARGS]\n\n"
          "commands:\n", out);
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-10s %s\n", dg_cli_commands[i]->name, dg_cli_commands[i]->summary);
    fputs("\nThe store is --db PATH, else $DANGOL_DB, else ./dangol.db; a PostgreSQL connection string\n"
          "(postgresql://user:password@host:port/database, or libpq's key=value form such as\n"
          "'host=db dbname=shop sslmode=require') selects a PostgreSQL store.\n"
          "`dangol COMMAND --help` describes a command.\n", out);
}

static const dg_cli_command *find(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(dg_cli_commands[i]->name, name) == 0)
            return dg_cli_commands[i];
    return NULL;
}

/* Takes --db, --format and --quiet (in any position) out of argv; returns the new argc or -1. */
static int take_global_options(dg_cli *cli, int argc, char **argv)
{
    int out = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *value = NULL;
        bool is_db = strncmp(a, "--db", 4) == 0 && (a[4] == '\0' || a[4] == '=');
        bool is_format = strncmp(a, "--format", 8) == 0 && (a[8] == '\0' || a[8] == '=');
        if (strcmp(a, "--") == 0) {
            while (i < argc)
                argv[out++] = argv[i++];
            break;
        }
        if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            cli->quiet = true;
            continue;
        }
        if (!is_db && !is_format) {
            argv[out++] = argv[i];
            continue;
        }
        const char *eq = strchr(a, '=');
        if (eq)
            value = eq + 1;
        else if (i + 1 < argc)
            value = argv[++i];
        else {
            fprintf(stderr, "dangol: %s needs a value\n", a);
            return -1;
        }
        if (is_db) {
            cli->db_path = value;
        } else if (dg_format_parse(value, &cli->format) != 0) {
            fprintf(stderr, "dangol: unknown format \"%s\"; valid: table, csv, json\n", value);
            return -1;
        } else {
            cli->format_given = true;
        }
    }
    argv[out] = NULL;
    return out;
}

static bool wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
    return false;
}

int main(int argc, char **argv)
{
    setlocale(LC_CTYPE, "C.UTF-8");
    dg_store_process_init();
    dg_cli cli = { .program = "dangol", .format = DG_FORMAT_TABLE };
    cli.db_path = getenv("DANGOL_DB");
    if (!cli.db_path || !*cli.db_path)
        cli.db_path = "dangol.db";

    argc = take_global_options(&cli, argc - 1, argv + 1);
    argv++;
    if (argc < 0)
        return DG_EXIT_USAGE;
    dg_store_describe(cli.db_path, cli.db_name, sizeof cli.db_name);
    if (argc == 0 || strcmp(argv[0], "help") == 0 || strcmp(argv[0], "--help") == 0 ||
        strcmp(argv[0], "-h") == 0) {
        const dg_cli_command *cmd = argc > 1 ? find(argv[1]) : NULL;
        if (cmd)
            fputs(cmd->usage, stdout);
        else
            print_help(argc == 0 ? stderr : stdout);
        return argc == 0 ? DG_EXIT_USAGE : DG_EXIT_OK;
    }
    if (strcmp(argv[0], "--version") == 0) {
        printf("dangol %s\n", DANGOL_VERSION);
        return DG_EXIT_OK;
    }
    const dg_cli_command *cmd = find(argv[0]);
    if (!cmd) {
        fprintf(stderr, "dangol: unknown command \"%s\"; valid:", argv[0]);
        for (size_t i = 0; i < N_COMMANDS; i++)
            fprintf(stderr, "%s %s", i ? "," : "", dg_cli_commands[i]->name);
        fputs("\n", stderr);
        return DG_EXIT_USAGE;
    }
    cli.command = cmd->name;
    if (wants_help(argc, argv)) {
        fputs(cmd->usage, stdout);
        return DG_EXIT_OK;
    }
    dg_cli_getopt_reset();
    return cmd->run(&cli, argc, argv);
}
