-- The audit log (#12): every state-changing request this service answered (the service kit's AuditLog writes it).
-- Entries are appended only: a trigger refuses UPDATE, DELETE and TRUNCATE whatever the role, so the service
-- cannot rewrite its own history; archiving old entries is an operator's job with the trigger disabled.
CREATE TABLE audit_log (
    id           bigserial PRIMARY KEY,
    at           timestamptz NOT NULL,
    actor        text NOT NULL,
    actor_roles  text[] NOT NULL DEFAULT '{}',
    on_behalf_of text,
    operation    text NOT NULL,
    method       text NOT NULL,
    path         text NOT NULL,
    ids          jsonb NOT NULL DEFAULT '{}',
    id_values    text[] NOT NULL DEFAULT '{}',
    source       text,
    status       int NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_actor ON audit_log (actor, at DESC);
CREATE INDEX audit_log_ids ON audit_log USING gin (id_values);

CREATE FUNCTION refuse_audit_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION refuse_audit_rewrite();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_rewrite();
