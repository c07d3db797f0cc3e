-- dangol store, schema version 24, PostgreSQL dialect of ../0024_auth_generation.sql: the auth
-- generation, moved on by triggers in the changing transaction.
CREATE TABLE auth_generation (
    only_row   INTEGER PRIMARY KEY CHECK (only_row = 1),
    generation BIGINT NOT NULL
);
INSERT INTO auth_generation (only_row, generation) VALUES (1, 0);
CREATE FUNCTION auth_generation_next() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE auth_generation SET generation = generation + 1;
    RETURN NULL;
END $$;
CREATE TRIGGER auth_users_generation AFTER INSERT OR UPDATE OR DELETE ON auth_users
FOR EACH STATEMENT EXECUTE FUNCTION auth_generation_next();
CREATE TRIGGER auth_tokens_generation AFTER INSERT OR UPDATE OR DELETE ON auth_tokens
FOR EACH STATEMENT EXECUTE FUNCTION auth_generation_next();
CREATE TRIGGER settings_generation_insert AFTER INSERT ON settings
FOR EACH ROW WHEN (NEW.key = 'auth_token_key') EXECUTE FUNCTION auth_generation_next();
CREATE TRIGGER settings_generation_update AFTER UPDATE ON settings
FOR EACH ROW WHEN (OLD.key = 'auth_token_key' OR NEW.key = 'auth_token_key')
EXECUTE FUNCTION auth_generation_next();
CREATE TRIGGER settings_generation_delete AFTER DELETE ON settings
FOR EACH ROW WHEN (OLD.key = 'auth_token_key') EXECUTE FUNCTION auth_generation_next();
