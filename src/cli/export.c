/* `dangol export ENTITY`: writes every record as CSV (default) or JSON to stdout or --output.
 * The file is written beside its final name and renamed at the end, so a failed export never
 * leaves half a file under that name. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "dangol/ingest.h"

static int run(dg_cli *cli, int argc, char **argv)
{
    static const struct option options[] = { { "output", required_argument, NULL, 'o' }, { 0 } };
    const char *output = NULL;
    int o;
    while ((o = getopt_long(argc, argv, "o:", options, NULL)) != -1) {
        if (o != 'o')
            return dg_cli_usage_error(cli, "unknown option %s", argv[optind - 1]);
        output = optarg;
    }
    if (argc - optind != 1)
        return dg_cli_usage_error(cli, "needs one entity");
    const dg_entity *e = dg_entity_find(argv[optind]);
    if (!e) {
        size_t n;
        const dg_entity *const *all = dg_entity_all(&n);
        fprintf(stderr, "%s export: unknown entity \"%s\"; valid:", cli->program, argv[optind]);
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, "%s %s", i ? "," : "", all[i]->name);
        fputc('\n', stderr);
        return DG_EXIT_USAGE;
    }
    dg_export_format format = cli->format == DG_FORMAT_JSON ? DG_EXPORT_JSON : DG_EXPORT_CSV;
    dg_store *store;
    int opened = dg_cli_open_store(cli, DG_STORE_READONLY, &store);
    if (opened != DG_EXIT_OK)
        return opened;
    char tmp[4096];
    FILE *out = stdout;
    if (output) {
        snprintf(tmp, sizeof tmp, "%s.tmp%ld", output, (long)getpid());
        if (!(out = fopen(tmp, "w"))) {
            dg_store_close(store);
            fprintf(stderr, "%s export: cannot write %s\n", cli->program, output);
            return DG_EXIT_FAILURE;
        }
    }
    dg_error err;
    dg_error_clear(&err);
    int rc = dg_export(store, e, format, out, &err);
    dg_store_close(store);
    if (output) {
        if (fclose(out) != 0 && rc == 0)
            rc = dg_error_set(&err, DG_EIO, "cannot write %s", output);
        if (rc == 0 && rename(tmp, output) != 0)
            rc = dg_error_set(&err, DG_EIO, "cannot write %s", output);
        if (rc != 0)
            remove(tmp);
    }
    return rc == 0 ? DG_EXIT_OK : dg_cli_fail(cli, &err);
}

DG_CLI_COMMAND(export) = {
    "export", "write customers, orders, ... as CSV or JSON",
    "usage: dangol [--db PATH] export ENTITY [--format csv|json] [--output FILE]\n\n"
    "Writes every record of ENTITY with a header row of dangol's column names: dates as\n"
    "YYYY-MM-DD, timestamps as YYYY-MM-DDTHH:MM:SSZ, money with the currency's decimals,\n"
    "booleans as true/false, empty when unset. `dangol import ENTITY FILE` reads it back\n"
    "unchanged. JSON is an array of objects (money as a number in the currency's unit).\n",
    run,
};
