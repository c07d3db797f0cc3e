/* The one check every file-writing option goes through: an output must not be the store, one of
 * SQLite's files beside it (-wal, -shm, -journal) or an input, whatever name reaches it. Files are
 * compared by identity, not by name: an existing file by device and inode (so hard links, symlinks
 * and relative paths count), a file not yet there by the directory it would be created in (device
 * and inode) and its name, after following dangling symlinks. The check runs before anything is
 * opened for writing, and a refusal is a usage error: nothing has been touched. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

typedef struct file_id {
    bool known;       /* false: the path cannot be created (no such directory): it matches none */
    bool exists;
    dev_t dev;        /* the file's, or when it does not exist its directory's */
    ino_t ino;
    char name[NAME_MAX + 1];   /* when it does not exist: its name in that directory */
} file_id;

/* Follows the symlinks of a path whose target does not exist yet, into buf: writing to the link
 * creates the final target. Returns the path to create (path itself when it is no symlink). */
static const char *final_target(const char *path, char *buf, size_t cap)
{
    char link[PATH_MAX], next[PATH_MAX];
    snprintf(buf, cap, "%s", path);
    for (int depth = 0; depth < 40; depth++) {   /* 40: Linux's own limit (ELOOP) */
        struct stat st;
        if (lstat(buf, &st) != 0 || !S_ISLNK(st.st_mode))
            return buf;
        ssize_t n = readlink(buf, link, sizeof link - 1);
        if (n < 0)
            return buf;
        link[n] = '\0';
        const char *slash = strrchr(buf, '/');
        if (link[0] == '/' || !slash)
            snprintf(next, sizeof next, "%s", link);
        else
            snprintf(next, sizeof next, "%.*s/%s", (int)(slash - buf), buf, link);
        snprintf(buf, cap, "%s", next);
    }
    return buf;
}

static file_id identify(const char *path)
{
    file_id id = { 0 };
    struct stat st;
    if (stat(path, &st) == 0) {
        id.known = id.exists = true;
        id.dev = st.st_dev;
        id.ino = st.st_ino;
        return id;
    }
    char target[PATH_MAX], dir[PATH_MAX];
    const char *p = final_target(path, target, sizeof target);
    const char *slash = strrchr(p, '/');
    const char *name = slash ? slash + 1 : p;
    if (slash == p)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - p) : 1, slash ? p : ".");
    if (!*name || strlen(name) > NAME_MAX || stat(dir, &st) != 0)
        return id;
    id.known = true;
    id.dev = st.st_dev;
    id.ino = st.st_ino;
    snprintf(id.name, sizeof id.name, "%s", name);
    return id;
}

static bool same(const file_id *a, const file_id *b)
{
    return a->known && b->known && a->exists == b->exists && a->dev == b->dev &&
           a->ino == b->ino && (a->exists || strcmp(a->name, b->name) == 0);
}

/* Which protected file output is, described for the message ("the store x.db"), or NULL. SQLite
 * names its files after the store's real path (symlinks resolved), so those are compared too. */
static const char *protected_as(const dg_cli *cli, const file_id *out, const char *const *inputs,
                                size_t n_inputs, char *what, size_t cap)
{
    static const struct { const char *suffix, *label; } store_files[] = {
        { "", "the store" }, { "-wal", "the store's write-ahead log" },
        { "-shm", "the store's shared-memory index" }, { "-journal", "the store's journal" },
    };
    char real[PATH_MAX], path[PATH_MAX + 16];
    const char *bases[2] = { cli->db_path, realpath(cli->db_path, real) };
    for (size_t b = 0; b < 2 && bases[b]; b++)
        for (size_t i = 0; i < sizeof store_files / sizeof store_files[0]; i++) {
            snprintf(path, sizeof path, "%s%s", bases[b], store_files[i].suffix);
            file_id id = identify(path);
            if (same(out, &id)) {
                snprintf(what, cap, "%s %s", store_files[i].label, path);
                return what;
            }
        }
    for (size_t i = 0; i < n_inputs; i++) {
        if (strcmp(inputs[i], "-") == 0)
            continue;
        file_id id = identify(inputs[i]);
        if (same(out, &id)) {
            snprintf(what, cap, "the input %s", inputs[i]);
            return what;
        }
    }
    return NULL;
}

int dg_cli_check_output(const dg_cli *cli, const char *option, const char *output,
                        const char *const *inputs, size_t n_inputs)
{
    char what[PATH_MAX + 64];
    file_id out = identify(output);
    if (protected_as(cli, &out, inputs, n_inputs, what, sizeof what))
        return dg_cli_usage_error(cli, "%s %s is %s; writing it would destroy it, choose another "
                                  "file", option, output, what);
    return DG_EXIT_OK;
}

int dg_cli_check_inputs(const dg_cli *cli, const char *const *inputs, size_t n_inputs)
{
    for (size_t i = 0; i < n_inputs; i++) {
        if (strcmp(inputs[i], "-") == 0)
            continue;
        file_id in = identify(inputs[i]), store = identify(cli->db_path);
        if (same(&in, &store))
            return dg_cli_usage_error(cli, "the input %s is the store %s; choose another file or "
                                      "another store with --db", inputs[i], cli->db_name);
    }
    return DG_EXIT_OK;
}
