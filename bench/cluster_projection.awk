# bench/cluster.sh's closing table (awk -F'|' over $WORK/steps, written by bench/measure.sh:
# "NAME|wall|dangol CPU|SERVER CPU|..."): per step, the CPU seconds of dangol and of each server on
# SQLite, the single PostgreSQL store and the cluster, and from them what the cluster would take
# on 1 + 3 machines (a coordinator and 3 workers, each with its own cores).
#
# The projection: dangol + the coordinator's server + the slowest worker. The workers run their
# partitions in parallel (postgres_fdw's asynchronous Append, one connection per worker, so a
# worker's 4 partitions one after another: its CPU is its time), the coordinator merges what they
# send and dangol reads the merged result; counting those after the slowest worker, not
# overlapped, makes it an upper bound of the CPU-bound time (network transfer not counted: here
# loopback). Its lower bound, everything overlapped, is the largest of the three. The import is
# not parallel across workers (the coordinator routes each batch of rows to its partition's
# worker and waits for it), so for it the sum over the workers is printed beside: its projection.
# A step's name is "BACKEND WHAT (HOW)"; the steps of the three backends are matched on WHAT.

function what(name) { sub(/^[a-z]+ /, "", name); sub(/ \(.*$/, "", name); return name }
function backend(name) { sub(/ .*$/, "", name); return name }

{
    b = backend($1); w = what($1)
    if (!(w in seen)) { seen[w] = 1; order[++n] = w }
    dangol[b, w] = $3
    sum = 0; slowest = 0; nodes = ""
    for (i = 4; i <= NF; i++) {
        split($i, f, " ")
        if (f[1] == "coord") { coord[b, w] = f[2]; continue }
        sum += f[2]; if (f[2] > slowest) slowest = f[2]
        nodes = nodes (nodes == "" ? "" : " / ") f[2]
    }
    server[b, w] = sum + coord[b, w]; workers[b, w] = nodes; max_node[b, w] = slowest; sum_nodes[b, w] = sum
}

END {
    printf "CPU seconds per step (dangol; servers from /proc); the cluster on 1 + 3 machines\n"
    printf "%-18s %8s   %-16s   %-40s   %s\n", "step", "SQLite", "PG: dangol+server",
           "cluster: dangol + coord + w1 / w2 / w3", "1+3 machines: dangol + coord + slowest"
    for (k = 1; k <= n; k++) {
        w = order[k]
        sq = (("sqlite", w) in dangol) ? sprintf("%.2f", dangol["sqlite", w]) : "-"
        pg = (("postgresql", w) in dangol) ? sprintf("%.2f + %.2f", dangol["postgresql", w], server["postgresql", w]) : "-"
        cl = "-"; proj = "-"
        if (("cluster", w) in dangol) {
            d = dangol["cluster", w]; c = coord["cluster", w]; m = max_node["cluster", w]
            cl = sprintf("%.2f + %.2f + %s", d, c, workers["cluster", w])
            low = d; if (c > low) low = c; if (m > low) low = m
            proj = sprintf("%.2f (overlapped: %.2f)", d + c + m, low)
            if (w ~ /^import /)
                proj = proj sprintf("; serial routing: %.2f", d + c + sum_nodes["cluster", w])
        }
        printf "%-18s %8s   %-16s   %-40s   %s\n", w, sq, pg, cl, proj
    }
}
