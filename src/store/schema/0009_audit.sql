-- dangol store, schema version 9: the audit trail (docs/security.md, "The audit trail"). One row
-- per access to personal data (who saw or exported which customers' personal fields, from where,
-- why) and per write (who changed what, before and after). Append-only: triggers refuse UPDATE,
-- and DELETE of any entry not covered by a prune anchor. Tamper-evident: each entry's hash is
-- SHA-256 of the previous entry's hash and its own canonical content (src/auth/audit.c), so
-- changing or removing an entry breaks the chain at that entry. The auth_ prefix keeps the
-- frame snapshot's triggers off these tables: an audited look-up never makes the analysis
-- snapshot stale. AUTOINCREMENT keeps the largest id ever used in sqlite_sequence, so removing
-- the newest entries shows too.
CREATE TABLE auth_audit (
    entry_id    INTEGER PRIMARY KEY AUTOINCREMENT,
    at          INTEGER NOT NULL,   -- UTC seconds
    actor_kind  TEXT NOT NULL CHECK (actor_kind IN ('user', 'token', 'cli', 'anonymous', 'system')),
    actor_id    INTEGER,            -- the user's or the token's id
    actor       TEXT NOT NULL,      -- the user's name, or the OS user of a command
    role        TEXT,               -- the role acted with (a token's), NULL for the command line
    origin      TEXT NOT NULL,      -- the client's address, or "cli"
    action      TEXT NOT NULL,      -- vocabulary domain audit_action
    customers   TEXT,               -- JSON array of the customer ids concerned, or NULL
    reason      TEXT,               -- why (required for bulk exports and lists)
    detail      TEXT,               -- JSON object: route, before and after of a write, counts
    prev_hash   BLOB NOT NULL CHECK (length(prev_hash) = 32),
    hash        BLOB NOT NULL CHECK (length(hash) = 32)
);
CREATE INDEX auth_audit_at ON auth_audit (at);
-- the prune job's anchors: entries up to through_id were removed; hash is through_id's, the
-- link the first remaining entry's prev_hash must match. Append-only as well.
CREATE TABLE auth_audit_anchor (
    through_id INTEGER PRIMARY KEY,
    hash       BLOB NOT NULL CHECK (length(hash) = 32),
    entries    INTEGER NOT NULL,    -- entries removed by this prune
    pruned_at  INTEGER NOT NULL
);
CREATE TRIGGER auth_audit_no_update BEFORE UPDATE ON auth_audit
BEGIN SELECT RAISE(ABORT, 'auth_audit is append-only'); END;
CREATE TRIGGER auth_audit_no_delete BEFORE DELETE ON auth_audit
WHEN OLD.entry_id > coalesce((SELECT max(through_id) FROM auth_audit_anchor), 0)
BEGIN SELECT RAISE(ABORT, 'auth_audit is append-only (only a prune removes entries)'); END;
CREATE TRIGGER auth_audit_anchor_no_update BEFORE UPDATE ON auth_audit_anchor
BEGIN SELECT RAISE(ABORT, 'auth_audit_anchor is append-only'); END;
CREATE TRIGGER auth_audit_anchor_no_delete BEFORE DELETE ON auth_audit_anchor
BEGIN SELECT RAISE(ABORT, 'auth_audit_anchor is append-only'); END;
