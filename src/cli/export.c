/* `dangol export ENTITY`: writes every record as CSV (default) or JSON to stdout or --output.
 * The file is written beside its final name and renamed at the end, so a failed export never
 * leaves half a file under that name; --output may not be the store (src/cli/outputs.c). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "dangol/ingest.h"

/* Where the export goes. A regular file is written beside its final name and renamed over it at
 * the end (through symlinks: the link keeps pointing at the new file); anything else (a device,
 * a pipe) is written in place, since renaming over it would replace the device node. */
typedef struct target {
    FILE *out;
    const char *name;         /* for messages: the --output path, or "standard output" */
    char final[PATH_MAX];     /* the file renamed over, "" when written in place */
    char tmp[PATH_MAX + 32];
} target;

static int open_target(target *t, const char *output, dg_error *err)
{
    struct stat st;
    t->name = output;
    bool in_place = stat(output, &st) == 0 && !S_ISREG(st.st_mode);
    if (in_place) {
        if (!(t->out = fopen(output, "w")))
            return dg_error_set(err, DG_EIO, "cannot write %s: %s", output, strerror(errno));
        return 0;
    }
    if (!realpath(output, t->final))
        snprintf(t->final, sizeof t->final, "%s", output);   /* a new file */
    snprintf(t->tmp, sizeof t->tmp, "%s.tmp%ld", t->final, (long)getpid());
    int fd = open(t->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 || !(t->out = fdopen(fd, "w"))) {
        int saved = errno;
        if (fd >= 0) {
            close(fd);
            unlink(t->tmp);
        }
        return dg_error_set(err, DG_EIO, "cannot write %s: %s", output, strerror(saved));
    }
    return 0;
}

/* Closes the output and, when everything went well, moves it to its final name; otherwise the
 * temporary file is removed and the final name keeps what it had. */
static int finish_target(target *t, bool ok, dg_error *err)
{
    int rc = 0;
    if (fclose(t->out) != 0 && ok)
        rc = dg_error_set(err, DG_EIO, "cannot write %s: %s", t->name, strerror(errno));
    t->out = NULL;
    if (!t->final[0])
        return rc;
    if (rc == 0 && ok && rename(t->tmp, t->final) != 0)
        rc = dg_error_set(err, DG_EIO, "cannot write %s: %s", t->name, strerror(errno));
    if (rc != 0 || !ok)
        unlink(t->tmp);
    return rc;
}

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
    int checked = output ? dg_cli_check_output(cli, "--output", output, NULL, 0) : DG_EXIT_OK;
    if (checked != DG_EXIT_OK)
        return checked;
    dg_export_format format = cli->format == DG_FORMAT_JSON ? DG_EXPORT_JSON : DG_EXPORT_CSV;
    dg_store *store;
    int opened = dg_cli_open_store(cli, DG_STORE_READONLY, &store);
    if (opened != DG_EXIT_OK)
        return opened;
    dg_error err;
    dg_error_clear(&err);
    target t = { .out = stdout, .name = "standard output" };
    int rc = output ? open_target(&t, output, &err) : 0;
    if (rc == 0)
        rc = dg_export(store, e, format, t.out, t.name, &err);
    dg_store_close(store);
    if (output && t.out && finish_target(&t, rc == 0, &err) != 0 && rc == 0)
        rc = err.code;
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
