/* `dangol init`: creates a store (or upgrades an existing one) and fixes its currency. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "dangol/currency.h"

static int run(dg_cli *cli, int argc, char **argv)
{
    const char *currency = NULL;
    const dg_cli_option options[] = { dg_cli_text("currency", &currency) };
    int parsed = dg_cli_options(cli, argc, argv, options, DG_CLI_N(options), NULL, 0);
    if (parsed != DG_EXIT_OK)
        return parsed;
    if (currency && dg_currency_minor_digits(currency) < 0)
        return dg_cli_usage_error(cli, "unknown currency \"%s\"; known: %s", currency,
                                  dg_currency_known());

    dg_error err;
    dg_error_clear(&err);
    dg_store *store;
    int opened = dg_cli_open_store(cli, DG_STORE_CREATE, &store);
    if (opened != DG_EXIT_OK)
        return opened;
    char code[4], set[16];
    int digits, rc = 0;
    bool has_currency = dg_store_setting_get(store, "currency", set, sizeof set, &err) == 0;
    if (currency && has_currency && strcasecmp(set, currency) != 0) {
        rc = dg_error_set(&err, DG_EEXIST, "%s already keeps money in %s; a store has one currency",
                          cli->db_name, set);
    } else if (!has_currency) {
        char upper[4] = "KRW";
        if (currency)
            for (int i = 0; i < 3; i++)
                upper[i] = (char)(currency[i] >= 'a' && currency[i] <= 'z' ? currency[i] - 32
                                                                            : currency[i]);
        rc = dg_store_setting_set(store, "currency", upper, &err);
    }
    if (rc == 0)
        rc = dg_store_currency(store, code, &digits, &err);
    if (rc == 0 && !cli->quiet)
        printf("%s: dangol store, schema version %d, currency %s\n", cli->db_name,
               dg_store_schema_version(store), code);
    dg_store_close(store);
    return rc == 0 ? DG_EXIT_OK : dg_cli_fail(cli, &err);
}

DG_CLI_COMMAND(init) = {
    "init", "create a store (or upgrade an existing one)",
    "usage: dangol [--db PATH] init [--currency CODE]\n\n"
    "Creates the store file (default ./dangol.db, or $DANGOL_DB) with the current schema, or\n"
    "upgrades an existing store to it. Money is kept in one currency per store, in its minor\n"
    "unit: --currency KRW (the default, no decimals), USD (cents), EUR, JPY, ...\n",
    run,
};
