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

/* Appends item to list; 0 or -1 when out of memory. */
static int append(dg_cli_list *list, const char *item)
{
    const char **grown = realloc(list->items, (list->n + 1) * sizeof *grown);
    if (!grown)
        return -1;
    list->items = grown;
    list->items[list->n++] = item;
    return 0;
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
    case DG_CLI_OPTION_LIST:
        if (append(opt->out, value) != 0)
            return dg_cli_usage_error(cli, "out of memory");
        break;
    case DG_CLI_OPTION_PAIR:
        if (append(opt->out, opt->key) != 0 ||
            append(opt->out, opt->fixed ? opt->fixed : value) != 0)
            return dg_cli_usage_error(cli, "out of memory");
        break;
    }
    if (opt->given)
        *opt->given = true;
    return DG_EXIT_OK;
}

/* Whether the option takes a value. */
static bool takes_value(const dg_cli_option *opt)
{
    return opt->kind != DG_CLI_OPTION_FLAG && opt->kind != DG_CLI_OPTION_CHOICE && !opt->fixed;
}

/* The index among options of what getopt_long returned (an option's index + 1 for a long
 * option, its letter for a short one), or -1 for an unknown option. */
static int option_index(const dg_cli_option *options, size_t n_options, int o)
{
    if (o >= 1 && (size_t)o <= n_options)
        return o - 1;
    for (size_t i = 0; i < n_options && o > 0; i++)
        if (options[i].letter == o)
            return (int)i;
    return -1;
}

int dg_cli_options_rest(const dg_cli *cli, int argc, char **argv, const dg_cli_option *options,
                        size_t n_options, int *rest)
{
    struct option long_options[DG_CLI_MAX_OPTIONS + 1];
    char letters[2 * DG_CLI_MAX_OPTIONS + 1] = "", *l = letters;
    assert(n_options <= DG_CLI_MAX_OPTIONS);
    for (size_t i = 0; i < n_options; i++) {
        assert(options[i].letter == 0 || options[i].letter > (char)DG_CLI_MAX_OPTIONS);
        long_options[i] = (struct option){ options[i].name,
                                           takes_value(&options[i]) ? required_argument
                                                                    : no_argument,
                                           NULL, (int)i + 1 };
        if (options[i].letter) {
            *l++ = options[i].letter;
            if (takes_value(&options[i]))
                *l++ = ':';
        }
    }
    *l = '\0';
    long_options[n_options] = (struct option){ 0 };
    int o, code;
    while ((o = getopt_long(argc, argv, letters, long_options, NULL)) != -1) {
        int i = option_index(options, n_options, o);
        if (i < 0)
            return dg_cli_usage_error(cli, "unknown option %s", argv[optind - 1]);
        if ((code = store_value(cli, &options[i], optarg)) != DG_EXIT_OK)
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
