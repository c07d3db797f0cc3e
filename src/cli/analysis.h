/* Helpers shared by the analysis commands (rfm, loyalty, stage, ...): dates on the command line
 * and the frame every analysis starts from. Each returns a CLI exit code and prints its error. */
#ifndef DANGOL_CLI_ANALYSIS_H
#define DANGOL_CLI_ANALYSIS_H

#include <stdint.h>

#include "cli/cli.h"
#include "dangol/frame.h"

/* Parses a YYYY-MM-DD date given to option into *day; DG_EXIT_USAGE with a message if bad. */
int dg_cli_parse_day(const dg_cli *cli, const char *option, const char *text, int32_t *day);

/* Opens the store read-only and builds the frame as of as_of (DG_DAY_NONE: last day in the
 * store). The caller frees *out with dg_frame_free. */
int dg_cli_load_frame(dg_cli *cli, int32_t as_of, bool with_lines, dg_frame **out);

#endif
