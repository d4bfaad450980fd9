// A fresh PostgreSQL schema for one bench run: the gateways get a DATABASE_URL that puts them in it, the
// bench keeps a client on it to read results, and drop() removes it with everything in it.
import pg from 'pg';

/** Creates `<prefix>_<pid>_<time>` in the database at `databaseUrl`. */
export async function freshSchema(databaseUrl, prefix) {
  const schema = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`create schema "${schema}"`);
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    schema,
    client,
    /** The DATABASE_URL of a gateway working in the schema. */
    databaseUrl: url.toString(),
    async drop() {
      await client.query(`drop schema "${schema}" cascade`);
      await client.end();
    },
  };
}
