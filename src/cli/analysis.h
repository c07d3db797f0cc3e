/* Helpers shared by the analysis commands (rfm, loyalty, stage, cube, ...): dates on the command
 * line, the frame every analysis starts from, and printing a report of the report layer
 * (dangol/report.h). Each returns a CLI exit code and prints its error. */
#ifndef DANGOL_CLI_ANALYSIS_H
#define DANGOL_CLI_ANALYSIS_H

#include <stdint.h>

#include "cli/cli.h"
#include "dangol/frame.h"
#include "dangol/report.h"

/* Parses a YYYY-MM-DD date given to option into *day; DG_EXIT_USAGE with a message if bad. */
int dg_cli_parse_day(const dg_cli *cli, const char *option, const char *text, int32_t *day);
/* The points rules of path (--rules FILE), or the built-in ones when path is NULL; DG_EXIT_OK,
 * or the file's error printed and its exit code. */
struct dg_points_rules;
int dg_cli_points_rules(const dg_cli *cli, const char *path, struct dg_points_rules *rules);

/* Parses a number within lo..hi (whole when integer) given to option into *out; DG_EXIT_USAGE
 * with a message naming the range if bad. */
int dg_cli_parse_number(const dg_cli *cli, const char *option, const char *text, double lo,
                        double hi, bool integer, double *out);

/* Opens the store read-only and builds the frame as of as_of (DG_DAY_NONE: last day in the
 * store). The caller frees *out with dg_frame_free. */
int dg_cli_load_frame(dg_cli *cli, int32_t as_of, bool with_lines, dg_frame **out);
/* The same with every option of dg_frame_from_store (the columns the command reads). */
int dg_cli_load_frame_of(dg_cli *cli, const dg_frame_options *opts, dg_frame **out);

/* Prints a finished report (rc and err from the report entry): its one table with its notes,
 * or all its tables; the failure otherwise. The report stays the caller's. */
int dg_cli_report_print(dg_cli *cli, int rc, const dg_report *report, const dg_error *err);

/* A report read from the store: fills out from store and the command's ctx; a DG_E* status. */
typedef int (*dg_cli_store_report_fn)(dg_report *out, dg_store *store, void *ctx, dg_error *err);

/* Opens the store read-only, runs fn on it, closes it and prints the report as
 * dg_cli_report_print does. Returns the exit code. */
int dg_cli_store_report(dg_cli *cli, dg_cli_store_report_fn fn, void *ctx);

/* Runs the report called name on the store with the key/value params (dg_report_query) and
 * prints it; a bad parameter (DG_EINVAL) exits as a usage error. */
int dg_cli_query(dg_cli *cli, const char *name, const char *const *params);
/* dg_cli_query with the key/value pairs that options (dg_cli_pair, into *pairs) read from argv,
 * in the order given; more than max_pairs of them is a usage error. Frees pairs->items. */
int dg_cli_query_options(dg_cli *cli, int argc, char **argv, const char *name,
                         const dg_cli_option *options, size_t n_options, dg_cli_list *pairs,
                         size_t max_pairs);

#endif
