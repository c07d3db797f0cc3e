/* `dangol customer show ID`: the customer card. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "dangol/report.h"

static int show(dg_cli *cli, const char *id)
{
    dg_error err;
    dg_error_clear(&err);
    dg_store *store;
    int opened = dg_cli_open_store(cli, DG_STORE_READONLY, &store);
    if (opened != DG_EXIT_OK)
        return opened;
    dg_card card = { 0 };
    dg_frame *frame = NULL;
    int rc = 0;
    /* an empty store has no as-of day and nothing to analyse: the card stays basic */
    if (dg_store_last_day(store, &(int32_t){0}, NULL) == 0)
        rc = dg_report_frame(&frame, store, DG_DAY_NONE, true, &err);
    if (rc == 0)
        rc = dg_report_card(&card, store, frame, id, NULL, &err);
    dg_frame_free(frame);
    dg_store_close(store);
    if (rc != 0) {
        dg_card_clear(&card);
        return dg_cli_fail(cli, &err);
    }
    rc = dg_tables_write(card.sections, card.n_sections, stdout, cli->format);
    dg_card_clear(&card);
    return rc == 0 && fflush(stdout) == 0 ? DG_EXIT_OK : DG_EXIT_FAILURE;
}

static int run(dg_cli *cli, int argc, char **argv)
{
    if (argc < 2)
        return dg_cli_usage_error(cli, "missing subcommand; valid: show");
    if (strcmp(argv[1], "show") != 0)
        return dg_cli_usage_error(cli, "unknown subcommand \"%s\"; valid: show", argv[1]);
    if (argc != 3)
        return dg_cli_usage_error(cli, "show takes one customer id");
    return show(cli, argv[2]);
}

DG_CLI_COMMAND(customer) = {
    "customer", "show a customer's card",
    "usage: dangol [--db PATH] [--format table|csv|json] customer show ID\n\n"
    "Prints the customer card: profile, consultation guidance for the customer's type, order\n"
    "summary, the latest orders and feedback, where the customer stands (RFM scores and segment,\n"
    "ladder stage, loyalty index) and what they are worth (P(alive), expected purchases and CLV\n"
    "over the next 52 weeks from BG/NBD + Gamma-Gamma fitted on the whole store). Exits 3 if there\n"
    "is no such customer.\n",
    run,
};
