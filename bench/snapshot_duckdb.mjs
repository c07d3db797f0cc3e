// DuckDB side of the snapshot benchmark (bench/snapshot.sh). `load DB DIR` builds a persisted
// DuckDB file from the demo's customers.csv and orders.csv; `rfm DB` and `cube DB` each open that
// file in this fresh process and answer the question dangol's command answers: RFM (per-customer
// recency, frequency, monetary and NTILE(5) scores, counted by score) and the cube (revenue by
// month and channel for Seoul's customers). The shell times the whole process, as it times
// dangol's. usage: node snapshot_duckdb.mjs load|rfm|cube DB [DIR]
import { DuckDBInstance } from '@duckdb/node-api';

const [mode, file, dir] = process.argv.slice(2);
const instance = await DuckDBInstance.create(file, { threads: '2' });
const con = await instance.connect();
const queries = {
  rfm: `WITH per AS (
          SELECT customer_id, max(ordered_at) AS last, count(*) AS freq, sum(total) AS money
          FROM orders GROUP BY customer_id),
        scored AS (
          SELECT NTILE(5) OVER (ORDER BY last) AS r, NTILE(5) OVER (ORDER BY freq) AS f,
                 NTILE(5) OVER (ORDER BY money) AS m, money FROM per)
        SELECT r, f, m, count(*), sum(money) FROM scored GROUP BY r, f, m`,
  cube: `SELECT strftime(o.ordered_at, '%Y-%m') AS month, o.channel, sum(o.total)
         FROM orders o JOIN customers c ON c.customer_id = o.customer_id
         WHERE c.region = 'Seoul' GROUP BY month, o.channel`,
};
if (mode === 'load') {
  await con.run(`CREATE OR REPLACE TABLE customers AS SELECT * FROM read_csv('${dir}/customers.csv', header = true)`);
  await con.run(`CREATE OR REPLACE TABLE orders AS SELECT * FROM read_csv('${dir}/orders.csv', header = true)`);
  await con.run('CHECKPOINT');
  console.log('loaded');
} else {
  const rows = (await con.runAndReadAll(queries[mode])).getRows();
  console.log(`${mode} rows ${rows.length}`);
}
