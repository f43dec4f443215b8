-- The audit chain's lock, in a form no other role can take (issue 15.4). Until now the chain
-- serialised its writers on pg_advisory_xact_lock(hashtext('onewindow.audit_log')): any role that
-- can connect may take that same advisory lock (`select pg_advisory_lock(...)` in psql) and every
-- sign-in and every audited action then waits forever. Now the writers serialise on a row lock of
-- a one-row table that nobody but its owner may lock: SELECT ... FOR UPDATE needs UPDATE on the
-- table, and PUBLIC has no privilege on it. The trigger runs as its owner (SECURITY DEFINER) so
-- every writer can take the lock through it, and with a fixed search_path, so a shadowing
-- function or table (a `public.now()`, a temporary `audit_log`) cannot change what it computes.
-- The row lock is held to commit, like the advisory lock was: id order and chain order agree.

create table audit_chain_lock
(
    only_row boolean primary key default true check (only_row)
);
insert into audit_chain_lock default values;
revoke all on audit_chain_lock from public;

create or replace function audit_log_chain() returns trigger
    language plpgsql
    security definer
    set search_path = pg_catalog, public
as
$$
declare
    prev bytea;
begin
    if current_setting('transaction_isolation') <> 'read committed' then
        raise exception 'audit rows must be written in READ COMMITTED transactions (this one is %)',
            current_setting('transaction_isolation')
            using errcode = 'invalid_transaction_state';
    end if;
    -- Serialise all audit writers until commit (see 0004's header); waits at most lock_timeout.
    perform 1 from public.audit_chain_lock for update;
    select row_hash into prev from public.audit_log order by audit_id desc limit 1;
    new.prev_hash := coalesce(prev, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea);
    new.audit_id := nextval('public.audit_log_audit_id_seq');
    new.at := pg_catalog.now();
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
