/* Helpers of the analysis commands (see analysis.h). */
#include <stdio.h>
#include <string.h>

#include "cli/analysis.h"
#include "dangol/text.h"

int dg_cli_parse_day(const dg_cli *cli, const char *option, const char *text, int32_t *day)
{
    dg_error err;
    dg_error_clear(&err);
    if (dg_date_parse(text, strlen(text), day, &err) != 0)
        return dg_cli_usage_error(cli, "%s \"%s\": %s", option, text, err.message);
    return DG_EXIT_OK;
}

int dg_cli_load_frame(dg_cli *cli, int32_t as_of, bool with_lines, dg_frame **out)
{
    dg_error err;
    dg_error_clear(&err);
    *out = NULL;
    dg_store *store;
    int opened = dg_cli_open_store(cli, DG_STORE_READONLY, &store);
    if (opened != DG_EXIT_OK)
        return opened;
    dg_frame_options opts = { .as_of = as_of, .with_lines = with_lines };
    int rc = dg_frame_from_store(out, store, &opts, &err);
    dg_store_close(store);
    return rc == 0 ? DG_EXIT_OK : dg_cli_fail(cli, &err);
}
