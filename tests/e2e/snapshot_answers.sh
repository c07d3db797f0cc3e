# Shared by the snapshot scripts (test_snapshot.sh on SQLite, test_postgres_snapshot.sh): the
# answers that read every column of the frame (RFM per customer, cubes by region and channel,
# stages, CLV), from the CLI and from a running server, and the check that a store's answers,
# its snapshot advanced by delta segments, are those of a copy rebuilt from its rows. Sourced
# after lib.sh and server.sh; D is the binary. The script defines rebuilt NAME DB: a copy of DB
# without a current snapshot (the next command reads the rows), whose --db it prints.
ROUTES="/api/rfm?view=customers&limit=1000 /api/cube?rows=region&cols=channel /api/cube?rows=gender /api/clv?view=top&top=25 /api/stages /api/kpi"
served() {   # served FILE: the running server's answers to ROUTES
  for r in $ROUTES; do curl -s "$URL$r"; echo; done > "$1"
}
cli() {   # cli DB: the CLI's answers
  "$D" --db "$1" --format csv rfm --customers
  "$D" --db "$1" --format csv cube --rows region --cols channel
  "$D" --db "$1" --format csv cube --rows gender
  "$D" --db "$1" --format csv stage
  "$D" --db "$1" --format csv clv predict --top 25
}
# same_as_rebuilt NAME WHAT DB: with a server running on DB, the server's and the CLI's answers
# equal those of DB rebuilt (the server is stopped: the copy may need DB unused).
same_as_rebuilt() {
  served "$WORK/$1.served"
  stop_server
  ref=$(rebuilt "$1" "$3")
  cli "$3" > "$WORK/$1.cli" 2> /dev/null
  cli "$ref" > "$WORK/$1.cli.expected" 2> /dev/null
  expect_same "$2: the CLI's answers equal a rebuild's" "$WORK/$1.cli.expected" "$WORK/$1.cli"
  if start_server --db "$ref" --no-web; then
    served "$WORK/$1.served.expected"
    stop_server
  fi
  expect_same "$2: the server's answers equal a rebuild's" "$WORK/$1.served.expected" \
    "$WORK/$1.served"
}
