/* The dashboard's files outside /api/: only what the pages load is served — the .html, .js,
 * .css and image files at the top of the web directory ("/" is index.html) and the chart
 * library's distribution file that index.html loads from node_modules. Nothing else in the
 * directory (package.json, the rest of node_modules such as the browser tests' playwright-core)
 * and no path that resolves outside it. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server/server.h"

static const struct { const char *ext, *type; } served_types[] = {
    { ".html", "text/html; charset=utf-8" },
    { ".js", "text/javascript; charset=utf-8" },
    { ".css", "text/css; charset=utf-8" },
    { ".svg", "image/svg+xml" },
    { ".png", "image/png" },
    { ".ico", "image/x-icon" },
};

/* The content type of a dashboard file at the URL path, or NULL when the path is none of them. */
static const char *dashboard_file_type(const char *url)
{
    if (strcmp(url, "/") == 0)
        url = "/index.html";
    const char *name = url + 1, *dot = strrchr(name, '.');
    bool top_level = url[0] == '/' && !strchr(name, '/') && name[0] != '.';
    if (!dot || (!top_level && strcmp(url, "/" DG_SERVER_CHART_LIBRARY) != 0))
        return NULL;
    for (size_t i = 0; i < sizeof served_types / sizeof served_types[0]; i++)
        if (strcmp(dot, served_types[i].ext) == 0)
            return served_types[i].type;
    return NULL;
}

int dg_static_open(const char *web_root, const char *url, struct stat *st,
                   const char **content_type)
{
    char joined[PATH_MAX], resolved[PATH_MAX];
    if (!web_root || !(*content_type = dashboard_file_type(url)) || strstr(url, "/..") ||
        strchr(url, '\\'))
        return -1;
    int n = snprintf(joined, sizeof joined, "%s%s", web_root,
                     strcmp(url, "/") == 0 ? "/index.html" : url);
    if (n < 0 || (size_t)n >= sizeof joined || !realpath(joined, resolved))
        return -1;
    size_t root = strlen(web_root);
    if (strncmp(resolved, web_root, root) != 0 || resolved[root] != '/')
        return -1;
    int fd = open(resolved, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        close(fd);
        return -1;
    }
    return fd;
}
