-- The audit log: append-only and hash-chained.
--
-- Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE, for every role, including the owner.
-- Hash chain: each row stores the hash of the previous row (prev_hash) and its own hash (row_hash),
--   row_hash = sha256(prev_hash || utf8(audit_id US epoch_us US operator_id US action US entity
--                                        US entity_id US detail::text))
-- where US is the unit separator U+001F and a null operator_id or entity_id is the empty string.
-- The first row's prev_hash is 32 zero bytes. `onewindow audit verify` recomputes the chain in Rust,
-- independently of this function, and names the first row that does not fit.
--
-- The hash is computed here, in the database, so that every writer (the application, a later batch
-- job, a migration) is chained the same way. The id is taken from the sequence only after taking an
-- advisory lock that is held to commit, so id order and chain order are the same even when many
-- transactions audit at once. (Sequence gaps from rolled-back transactions are normal and harmless:
-- the chain links rows by hash, not by consecutive ids.)

create table audit_log
(
    audit_id    bigint      primary key,
    at          timestamptz not null default now(),
    operator_id bigint      references operators (operator_id),
    -- Dotted verb, e.g. 'login.ok', 'login.failed', 'login.locked', 'case.accept'.
    action      text        not null check (action ~ '^[a-z_]+(\.[a-z_]+)+$'),
    -- What was acted on: table-like name and its key, e.g. ('operator', '17').
    entity      text        not null,
    entity_id   text,
    detail      jsonb       not null default '{}'::jsonb,
    prev_hash   bytea       not null check (length(prev_hash) = 32),
    row_hash    bytea       not null check (length(row_hash) = 32)
);
create sequence audit_log_audit_id_seq owned by audit_log.audit_id;
create index audit_log_at_idx on audit_log (at);
create index audit_log_operator_idx on audit_log (operator_id, at);
create index audit_log_entity_idx on audit_log (entity, entity_id);

create function audit_log_chain() returns trigger
language plpgsql as
$$
declare
    prev bytea;
begin
    -- Serialise all audit writers until commit; see the header comment.
    perform pg_advisory_xact_lock(hashtext('onewindow.audit_log'));
    select row_hash into prev from audit_log order by audit_id desc limit 1;
    new.prev_hash := coalesce(prev, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea);
    new.audit_id := nextval('audit_log_audit_id_seq');
    new.at := now();
    new.row_hash := sha256(new.prev_hash || convert_to(concat_ws(chr(31),
        new.audit_id::text,
        ((extract(epoch from new.at) * 1000000)::bigint)::text,
        coalesce(new.operator_id::text, ''),
        new.action,
        new.entity,
        coalesce(new.entity_id, ''),
        new.detail::text), 'UTF8'));
    return new;
end;
$$;

create trigger audit_log_chain
    before insert on audit_log
    for each row execute function audit_log_chain();

create function audit_log_refuse_change() returns trigger
language plpgsql as
$$
begin
    raise exception 'audit_log is append-only: % refused', tg_op
        using errcode = 'insufficient_privilege';
end;
$$;

create trigger audit_log_no_update_delete
    before update or delete on audit_log
    for each row execute function audit_log_refuse_change();

create trigger audit_log_no_truncate
    before truncate on audit_log
    for each statement execute function audit_log_refuse_change();
