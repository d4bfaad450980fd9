// DATABASE_URL's accepted forms. Anything else is refused at start-up: a mistyped URL used to start a
// fresh SQLite database in the data directory, and the operator only noticed the missing data later.

export const DATABASE_URL_FORMS = 'postgres://user:password@host:5432/database (or postgresql://), sqlite:<file>, or empty for SQLite in SWITCHBOARD_DATA_DIR';

/** Checks the form only; the value is a secret (it may carry a password), so a problem names its scheme at most. */
export function parseDatabaseUrl(text: string): { value: string } | { problem: string } {
  const value = text.trim();
  if (value === '') return { value };
  if (/^sqlite:./.test(value)) return { value };
  if (/^postgres(ql)?:\/\//i.test(value)) {
    try {
      if (new URL(value).hostname !== '') return { value };
    } catch {
      // Reported below.
    }
    return { problem: `is not a valid PostgreSQL URL; expected ${DATABASE_URL_FORMS}` };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1];
  return { problem: `${scheme ? `a ${scheme}: URL` : 'this value'} is not supported; use ${DATABASE_URL_FORMS}` };
}
