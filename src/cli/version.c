/* `dangol version`: the program and store schema versions. */
#include <stdio.h>

#include "cli/cli.h"

static int run(dg_cli *cli, int argc, char **argv)
{
    (void)argv;
    if (argc > 1)
        return dg_cli_usage_error(cli, "takes no arguments");
    printf("dangol %s (store schema %d)\n", DANGOL_VERSION, dg_store_schema_latest());
    return DG_EXIT_OK;
}

DG_CLI_COMMAND(version) = {
    "version", "print the version of dangol and of its store schema",
    "usage: dangol version\n\nPrints the program version and the newest store schema it knows.\n",
    run,
};
