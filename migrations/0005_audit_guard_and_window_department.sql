-- 1. The audit chain reads the newest row after taking its advisory lock. Under READ COMMITTED that
--    read sees rows committed while waiting; under REPEATABLE READ or SERIALIZABLE the transaction's
--    snapshot would hide them and two rows would share a prev_hash (a false "tampering" report).
--    So audit rows may only be written in READ COMMITTED transactions; others get a clear error.
-- 2. An operator's window must belong to the operator's department: a composite foreign key holds it
--    (a null window_id is not checked, as back-office staff have no window).

create or replace function audit_log_chain() returns trigger
language plpgsql as
$$
declare
    prev bytea;
begin
    if current_setting('transaction_isolation') <> 'read committed' then
        raise exception 'audit rows must be written in READ COMMITTED transactions (this one is %)',
            current_setting('transaction_isolation')
            using errcode = 'invalid_transaction_state';
    end if;
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

alter table windows add constraint windows_window_department_key unique (window_id, department_id);
alter table operators add constraint operators_window_same_department
    foreign key (window_id, department_id) references windows (window_id, department_id);
