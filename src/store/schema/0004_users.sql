-- dangol store, schema version 4: who may use the server (docs/security.md). Users sign in with a
-- password kept only as an Argon2id hash (libsodium's crypto_pwhash_str: salt and parameters in
-- the string); API clients send a 256-bit random token kept only as a keyed BLAKE2b hash (the
-- key is the settings row auth_token_key, made with the first token). Nothing here is a record:
-- the auth_ tables carry no frame snapshot triggers (src/store/snapshot_sqlite.c), so signing in
-- never makes the analysis snapshot stale. Sessions live in the server's memory only.
CREATE TABLE auth_users (
    user_id       INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'analyst', 'agent')),
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    site          TEXT,             -- an agent's site: the customers of its staff are theirs
    staff_id      TEXT,             -- an agent's own staff id: the customers assigned to them
    created_at    INTEGER NOT NULL  -- UTC seconds
);
CREATE TABLE auth_tokens (
    token_id   INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES auth_users (user_id),
    label      TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'analyst', 'agent')),
    token_hash BLOB NOT NULL UNIQUE,  -- keyed BLAKE2b-256 of the token text
    created_at INTEGER NOT NULL,
    expires_at INTEGER,               -- UTC seconds; NULL: never
    revoked_at INTEGER                -- UTC seconds; NULL: in force
);
