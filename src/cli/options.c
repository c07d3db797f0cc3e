/* The options of a command's subcommand from a table (cli.h): which subcommand argv[1] names,
 * and each --option's value stored where the table says, so a command lists its options once
 * instead of writing the getopt loop again. Errors are the commands' usual usage errors. */
#include <assert.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/analysis.h"

int dg_cli_subcommand(const dg_cli *cli, int argc, char **argv, const char *const *names,
                      size_t n)
{
    char valid[256] = "";
    for (size_t i = 0; i < n; i++)
        snprintf(valid + strlen(valid), sizeof valid - strlen(valid), "%s%s", i ? ", " : "",
                 names[i]);
    if (argc < 2) {
        dg_cli_usage_error(cli, "missing subcommand; valid: %s", valid);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (strcmp(argv[1], names[i]) == 0)
            return (int)i;
    dg_cli_usage_error(cli, "unknown subcommand \"%s\"; valid: %s", argv[1], valid);
    return -1;
}

/* Stores one option's value as its kind says; an exit code. */
static int store_value(const dg_cli *cli, const dg_cli_option *opt, const char *value)
{
    char option[64];
    switch (opt->kind) {
    case DG_CLI_OPTION_TEXT: *(const char **)opt->out = value; break;
    case DG_CLI_OPTION_FLAG: *(bool *)opt->out = true; break;
    case DG_CLI_OPTION_CHOICE: *(int *)opt->out = opt->choice; break;
    case DG_CLI_OPTION_DAY: {
        snprintf(option, sizeof option, "--%s", opt->name);
        int code = dg_cli_parse_day(cli, option, value, (int32_t *)opt->out);
        if (code != DG_EXIT_OK)
            return code;
        break;
    }
    case DG_CLI_OPTION_NUMBER: {
        snprintf(option, sizeof option, "--%s", opt->name);
        int code = dg_cli_parse_number(cli, option, value, opt->lo, opt->hi, opt->integer,
                                       (double *)opt->out);
        if (code != DG_EXIT_OK)
            return code;
        break;
    }
    case DG_CLI_OPTION_CALL: {
        int code = opt->parse(cli, value, opt->out);
        if (code != DG_EXIT_OK)
            return code;
        break;
    }
    case DG_CLI_OPTION_LIST: {
        dg_cli_list *list = opt->out;
        const char **grown = realloc(list->items, (list->n + 1) * sizeof *grown);
        if (!grown)
            return dg_cli_usage_error(cli, "out of memory");
        list->items = grown;
        list->items[list->n++] = value;
        break;
    }
    }
    if (opt->given)
        *opt->given = true;
    return DG_EXIT_OK;
}

int dg_cli_options_rest(const dg_cli *cli, int argc, char **argv, const dg_cli_option *options,
                        size_t n_options, int *rest)
{
    struct option long_options[DG_CLI_MAX_OPTIONS + 1];
    assert(n_options <= DG_CLI_MAX_OPTIONS);
    for (size_t i = 0; i < n_options; i++)
        long_options[i] = (struct option){ options[i].name,
                                           options[i].kind == DG_CLI_OPTION_FLAG ||
                                           options[i].kind == DG_CLI_OPTION_CHOICE
                                               ? no_argument : required_argument,
                                           NULL, (int)i + 1 };
    long_options[n_options] = (struct option){ 0 };
    int o, code;
    while ((o = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        if (o < 1 || (size_t)o > n_options)
            return dg_cli_usage_error(cli, "unknown option %s", argv[optind - 1]);
        if ((code = store_value(cli, &options[o - 1], optarg)) != DG_EXIT_OK)
            return code;
    }
    *rest = optind;
    return DG_EXIT_OK;
}

int dg_cli_options(const dg_cli *cli, int argc, char **argv, const dg_cli_option *options,
                   size_t n_options, const char **positional, size_t n_positional)
{
    int next;
    int code = dg_cli_options_rest(cli, argc, argv, options, n_options, &next);
    if (code != DG_EXIT_OK)
        return code;
    for (size_t i = 0; next < argc && i < n_positional; i++)
        positional[i] = argv[next++];
    if (next < argc)
        return dg_cli_usage_error(cli, "unexpected argument \"%s\"", argv[next]);
    return DG_EXIT_OK;
}
