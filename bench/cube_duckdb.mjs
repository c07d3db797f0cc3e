// DuckDB side of the cube benchmark (bench/cube.sh): loads the CSV written by cube_bench into an
// in-memory DuckDB (2 threads, like the cube) as a flat table and as normalised orders +
// customers, then times the same GROUP BYs as the SQLite side (median of 7 runs, after one
// warm-up; CPU time of the process, all threads, beside wall time). Prints
// "duckdb NAME ms X cpu_ms Y revenue Z" lines. usage: node cube_duckdb.mjs FILE.csv
import { DuckDBInstance } from '@duckdb/node-api';

const csv = process.argv[2];
const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await instance.connect();
let t0 = performance.now();
await con.run(`CREATE TABLE flat AS SELECT * FROM read_csv('${csv}', header = true, columns = {
  'customer': 'INTEGER', 'day': 'INTEGER', 'month': 'INTEGER', 'channel': 'INTEGER',
  'payment': 'INTEGER', 'region': 'INTEGER', 'age': 'INTEGER', 'revenue': 'BIGINT',
  'units': 'INTEGER'})`);
await con.run(`CREATE TABLE customers AS SELECT DISTINCT customer AS id, region, age FROM flat`);
await con.run(`CREATE TABLE orders AS SELECT customer, day, month, channel, payment, revenue, units
  FROM flat`);
console.log(`duckdb_load_ms ${(performance.now() - t0).toFixed(0)}`);

const queries = {
  flat_month_x_channel_where_region:
    'SELECT month, channel, SUM(revenue) FROM flat WHERE region = 0 GROUP BY month, channel',
  flat_all_measures_where_region:
    'SELECT month, channel, COUNT(*), COUNT(DISTINCT customer), SUM(units), SUM(revenue) ' +
    'FROM flat WHERE region = 0 GROUP BY month, channel',
  join_month_x_channel_where_region:
    'SELECT o.month, o.channel, SUM(o.revenue) FROM orders o JOIN customers c ON ' +
    'c.id = o.customer WHERE c.region = 0 GROUP BY o.month, o.channel',
  flat_month_x_channel_all:
    'SELECT month, channel, SUM(revenue) FROM flat GROUP BY month, channel',
};
for (const [name, sql] of Object.entries(queries)) {
  const times = [], cpus = [];
  let total = 0n;
  for (let run = 0; run < 8; run++) {
    t0 = performance.now();
    const c0 = process.cpuUsage();
    const reader = await con.runAndReadAll(sql);
    const rows = reader.getRows();
    const ms = performance.now() - t0;
    const c1 = process.cpuUsage(c0);
    if (run > 0) {
      times.push(ms);
      cpus.push((c1.user + c1.system) / 1000);
    }
    total = 0n;
    for (const row of rows) total += BigInt(row[row.length - 1]);
  }
  times.sort((a, b) => a - b);
  cpus.sort((a, b) => a - b);
  console.log(`duckdb ${name} ms ${times[3].toFixed(1)} cpu_ms ${cpus[3].toFixed(1)} revenue ${total}`);
}
