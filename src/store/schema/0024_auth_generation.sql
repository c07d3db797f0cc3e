-- dangol store, schema version 24: the auth generation, a counter that every change of what a
-- token's verification reads (the users, the tokens, the token key setting) moves on, by trigger,
-- in the same transaction as the change. A server keeps the tokens it has verified with the
-- generation it read before verifying them (src/store/tokens_sqlite.c) and takes one from there
-- only while the store's generation is still that one: reading one integer per request instead
-- of the token's row and its user's, while a revocation, a disabled user or a changed role, made
-- by any process, is seen by the very next request. A later migration that rebuilds auth_users,
-- auth_tokens or settings must make these triggers again. IF NOT EXISTS: a store whose version
-- was set back (the migration tests do) runs this step again.
CREATE TABLE IF NOT EXISTS auth_generation (
    only_row   INTEGER PRIMARY KEY CHECK (only_row = 1),
    generation INTEGER NOT NULL
);
INSERT OR IGNORE INTO auth_generation (only_row, generation) VALUES (1, 0);
CREATE TRIGGER IF NOT EXISTS auth_users_generation_insert AFTER INSERT ON auth_users
BEGIN UPDATE auth_generation SET generation = generation + 1; END;
CREATE TRIGGER IF NOT EXISTS auth_users_generation_update AFTER UPDATE ON auth_users
BEGIN UPDATE auth_generation SET generation = generation + 1; END;
CREATE TRIGGER IF NOT EXISTS auth_users_generation_delete AFTER DELETE ON auth_users
BEGIN UPDATE auth_generation SET generation = generation + 1; END;
CREATE TRIGGER IF NOT EXISTS auth_tokens_generation_insert AFTER INSERT ON auth_tokens
BEGIN UPDATE auth_generation SET generation = generation + 1; END;
CREATE TRIGGER IF NOT EXISTS auth_tokens_generation_update AFTER UPDATE ON auth_tokens
BEGIN UPDATE auth_generation SET generation = generation + 1; END;
CREATE TRIGGER IF NOT EXISTS auth_tokens_generation_delete AFTER DELETE ON auth_tokens
BEGIN UPDATE auth_generation SET generation = generation + 1; END;
CREATE TRIGGER IF NOT EXISTS settings_generation_insert AFTER INSERT ON settings
WHEN NEW.key = 'auth_token_key'
BEGIN UPDATE auth_generation SET generation = generation + 1; END;
CREATE TRIGGER IF NOT EXISTS settings_generation_update AFTER UPDATE ON settings
WHEN OLD.key = 'auth_token_key' OR NEW.key = 'auth_token_key'
BEGIN UPDATE auth_generation SET generation = generation + 1; END;
CREATE TRIGGER IF NOT EXISTS settings_generation_delete AFTER DELETE ON settings
WHEN OLD.key = 'auth_token_key'
BEGIN UPDATE auth_generation SET generation = generation + 1; END;
