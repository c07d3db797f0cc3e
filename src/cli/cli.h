/* The dangol command line: a thin client of libdangol. Each command group lives in its own
 * src/cli/<group>.c and declares itself with DG_CLI_COMMAND(name) = { ... }; the build collects
 * those into the dispatch table, so adding a command touches no shared file.
 * Global options (--db, --format, --quiet) may appear anywhere and are removed from argv before
 * the command sees it; `--help` anywhere prints the command's usage. */
#ifndef DANGOL_CLI_H
#define DANGOL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/store.h"
#include "dangol/table.h"

/* Exit codes scripts can rely on (documented in docs/cli.md). */
enum {
    DG_EXIT_OK = 0,
    DG_EXIT_DATA = 1,     /* bad input data: nothing was written */
    DG_EXIT_USAGE = 2,    /* bad command line */
    DG_EXIT_NOTFOUND = 3, /* no such customer, file or store */
    DG_EXIT_FAILURE = 4,  /* store, I/O or internal error */
};

typedef struct dg_cli {
    const char *program;     /* "dangol" */
    const char *command;     /* "import", ... */
    const char *db_path;     /* --db, else $DANGOL_DB, else ./dangol.db */
    char db_name[512];       /* db_path as shown to people: a connection string without its
                                password (dg_store_describe) */
    dg_format format;        /* --format, default table */
    bool format_given;
    bool quiet;              /* --quiet: no progress, no notes */
} dg_cli;

typedef struct dg_cli_command {
    const char *name;
    const char *summary;     /* one line for `dangol help` */
    const char *usage;       /* full text for `dangol NAME --help` */
    int (*run)(dg_cli *cli, int argc, char **argv);  /* argv[0] is the command name */
} dg_cli_command;

#define DG_CLI_COMMAND(name) const dg_cli_command dg_cli_cmd_##name

/* Opens the store chosen by --db/$DANGOL_DB into *out (the caller closes it with dg_store_close).
 * Returns DG_EXIT_OK, or prints the error and returns its exit code: DG_EXIT_NOTFOUND when there
 * is no store, DG_EXIT_FAILURE for a corrupt file, a newer store or any other failure. */
int dg_cli_open_store(dg_cli *cli, unsigned flags, dg_store **out);

/* Refuses (a usage error: prints it, returns DG_EXIT_USAGE) an output file that is the store,
 * one of SQLite's files beside it (-wal, -shm, -journal) or one of the inputs, by identity (device
 * and inode: hard links, symlinks and relative paths count); DG_EXIT_OK otherwise. option names
 * where the path came from in the message ("--output"). Call it before opening anything for
 * writing (src/cli/outputs.c). */
int dg_cli_check_output(const dg_cli *cli, const char *option, const char *output,
                        const char *const *inputs, size_t n_inputs);
/* The same for the store a command writes: refused when it is one of the inputs ("-" = stdin). */
int dg_cli_check_inputs(const dg_cli *cli, const char *const *inputs, size_t n_inputs);

/* Prints "dangol COMMAND: message" to stderr and returns the exit code for err->code. */
int dg_cli_fail(const dg_cli *cli, const dg_error *err);
/* Prints a usage error with a hint to --help and returns DG_EXIT_USAGE. */
int dg_cli_usage_error(const dg_cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Exit code for a dg_status. */
int dg_cli_exit_code(int status);

/* Writes table to stdout in the chosen --format; returns an exit code. Frees nothing. */
int dg_cli_print(const dg_cli *cli, const dg_table *table);
/* The table's notes on stderr, unless --quiet (dg_cli_print does it for one table). */
void dg_cli_print_notes(const dg_cli *cli, const dg_table *table);

/* "YYYY-MM-DD HH:MM:SS" (UTC) of seconds since the epoch; "" for 0. */
void dg_cli_format_time(int64_t seconds, char buf[32]);
/* A new table with these columns, of types[i] (NULL: all text); NULL when out of memory. Caller
 * frees, or hands it to dg_cli_print_free. */
dg_table *dg_cli_table(const char *title, const char *const *columns, const dg_cell_type *types,
                       size_t n_columns);
/* Prints t in the chosen --format and frees it; NULL or a failed table (out of memory) is
 * reported as such. Returns an exit code. */
int dg_cli_print_free(const dg_cli *cli, dg_table *t);

/* Resets getopt for a command's own option parsing. */
void dg_cli_getopt_reset(void);

/* The number of elements of an array (a table of subcommands or options). */
#define DG_CLI_N(array) (sizeof (array) / sizeof (array)[0])

/* Which of names (n of them) the subcommand argv[1] is: its index, or -1 after printing the
 * usage error ("missing subcommand" or "unknown subcommand", with the valid ones listed). */
int dg_cli_subcommand(const dg_cli *cli, int argc, char **argv, const char *const *names,
                      size_t n);

/* A subcommand's option: --name and where its value goes (src/cli/options.c). */
typedef enum {
    DG_CLI_OPTION_TEXT,    /* out: const char **, the argument as given */
    DG_CLI_OPTION_FLAG,    /* out: bool *, set true; takes no argument */
    DG_CLI_OPTION_DAY,     /* out: int32_t *, a YYYY-MM-DD date (a bad one: usage error) */
    DG_CLI_OPTION_LIST,    /* out: dg_cli_list *, each time it appears, in order */
    DG_CLI_OPTION_NUMBER,  /* out: double *, from lo to hi, whole when integer (else a usage
                              error, dg_cli_parse_number's) */
    DG_CLI_OPTION_CALL,    /* parse(cli, value, out) reads the value: an exit code */
    DG_CLI_OPTION_CHOICE,  /* out: int *, set to choice; takes no argument (the last wins) */
    DG_CLI_OPTION_PAIR,    /* out: dg_cli_list *, key then the value appended each time it
                              appears (a query's key/value pairs); with a fixed value it takes
                              no argument and appends key and fixed */
} dg_cli_option_kind;

/* The values of a repeatable option; the caller frees items (not the strings: argv's). */
typedef struct dg_cli_list {
    const char **items;
    size_t n;
} dg_cli_list;

typedef struct dg_cli_option {
    const char *name;
    dg_cli_option_kind kind;
    void *out;
    bool *given;           /* set true when the option appears; NULL: not recorded */
    double lo, hi;         /* DG_CLI_OPTION_NUMBER: the range */
    bool integer;          /* DG_CLI_OPTION_NUMBER: whole numbers only */
    int choice;            /* DG_CLI_OPTION_CHOICE: the value it stands for */
    int (*parse)(const dg_cli *cli, const char *value, void *out);   /* DG_CLI_OPTION_CALL */
    char letter;           /* its one-letter form (-o), or 0 for none (dg_cli_short) */
    const char *key, *fixed;   /* DG_CLI_OPTION_PAIR: the key, and the value if fixed */
} dg_cli_option;

#define DG_CLI_MAX_OPTIONS 32

/* Parses a subcommand's argv (argv[0] the subcommand; getopt reset by the caller) by options,
 * n_options of them: each value into its out, in order; then up to n_positional arguments into
 * positional[0..]. Returns DG_EXIT_OK, or prints the usage error (an unknown option, a bad date,
 * an argument too many) and returns DG_EXIT_USAGE. */
int dg_cli_options(const dg_cli *cli, int argc, char **argv, const dg_cli_option *options,
                   size_t n_options, const char **positional, size_t n_positional);
/* The same, leaving the arguments after the options to the caller: they are argv[*rest..argc). */
int dg_cli_options_rest(const dg_cli *cli, int argc, char **argv, const dg_cli_option *options,
                        size_t n_options, int *rest);

/* Table entries, typed so a field of the wrong type does not compile. */
static inline dg_cli_option dg_cli_text(const char *name, const char **out)
{
    return (dg_cli_option){ .name = name, .kind = DG_CLI_OPTION_TEXT, .out = out };
}
static inline dg_cli_option dg_cli_flag(const char *name, bool *out)
{
    return (dg_cli_option){ .name = name, .kind = DG_CLI_OPTION_FLAG, .out = out };
}
static inline dg_cli_option dg_cli_day(const char *name, int32_t *out, bool *given)
{
    return (dg_cli_option){ .name = name, .kind = DG_CLI_OPTION_DAY, .out = out, .given = given };
}
static inline dg_cli_option dg_cli_list_of(const char *name, dg_cli_list *out)
{
    return (dg_cli_option){ .name = name, .kind = DG_CLI_OPTION_LIST, .out = out };
}
/* A number from lo to hi; dg_cli_whole: a whole one. */
static inline dg_cli_option dg_cli_number(const char *name, double *out, double lo, double hi)
{
    return (dg_cli_option){ .name = name, .kind = DG_CLI_OPTION_NUMBER, .out = out, .lo = lo,
                            .hi = hi };
}
static inline dg_cli_option dg_cli_whole(const char *name, double *out, double lo, double hi)
{
    return (dg_cli_option){ .name = name, .kind = DG_CLI_OPTION_NUMBER, .out = out, .lo = lo,
                            .hi = hi, .integer = true };
}
/* One of several options that each choose a value of *out (--customers, --bins, --grid). */
static inline dg_cli_option dg_cli_choice(const char *name, int *out, int choice)
{
    return (dg_cli_option){ .name = name, .kind = DG_CLI_OPTION_CHOICE, .out = out,
                            .choice = choice };
}
/* An option the command reads itself, in its turn among the others (a rating, a role). */
static inline dg_cli_option dg_cli_call(const char *name,
                                        int (*parse)(const dg_cli *, const char *, void *),
                                        void *out)
{
    return (dg_cli_option){ .name = name, .kind = DG_CLI_OPTION_CALL, .out = out,
                            .parse = parse };
}

/* A query's key/value pair appended to out (dg_cli_pair_fixed: with a fixed value, no argument). */
static inline dg_cli_option dg_cli_pair(const char *name, const char *key, dg_cli_list *out)
{
    return (dg_cli_option){ .name = name, .kind = DG_CLI_OPTION_PAIR, .out = out, .key = key };
}
static inline dg_cli_option dg_cli_pair_fixed(const char *name, const char *key,
                                              const char *fixed, dg_cli_list *out)
{
    return (dg_cli_option){ .name = name, .kind = DG_CLI_OPTION_PAIR, .out = out, .key = key,
                            .fixed = fixed };
}
/* The option with its one-letter form too: dg_cli_short('o', dg_cli_text("output", &path)). */
static inline dg_cli_option dg_cli_short(char letter, dg_cli_option option)
{
    option.letter = letter;
    return option;
}

/* Appends an audit entry (dangol/audit.h) by the command line (the OS user, origin "cli"):
 * action on customers (n of them), with a reason and a detail object (jansson, stolen; NULL for
 * none). Returns DG_EXIT_OK, or prints the failure and returns its exit code (src/cli/audit.c). */
struct json_t;
int dg_cli_audit(dg_cli *cli, dg_store *store, const char *action, const char *const *customers,
                 size_t n_customers, const char *reason, struct json_t *detail);

#endif
