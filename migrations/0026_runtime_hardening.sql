-- Security (issue 15): names inside onewindow's functions resolve the same way whoever calls them.
-- Every function in the schema gets a fixed search_path: pg_catalog first, so an object someone
-- created cannot shadow a built-in (a `public.now()` back-dating a decision and its audit row);
-- pg_temp last, so a temporary table cannot stand in for one of ours inside a trigger. Functions
-- added by later migrations carry `set search_path = pg_catalog, public, pg_temp` themselves
-- (tests/db_roles.rs checks every one).

-- The seeder's licence to write history (onewindow.seeding) is a setting any session can set;
-- it now counts only for a session acting as the table's owner (the administrator seeding a demo
-- database), never for the runtime role: `set local onewindow.seeding = 'on'` no longer lets
-- the application's credential register a case "as of" an earlier day.
create or replace function refuse_backdated_case_times() returns trigger
    language plpgsql as
$$
begin
    if tg_op = 'INSERT' then
        if (current_setting('onewindow.seeding', true) is distinct from 'on'
                or not pg_has_role(current_user,
                                   (select relowner from pg_class where oid = tg_relid), 'usage'))
            and (new.received_at <> now() or new.accepted_at <> now()
                 or new.claimed_at <> now() or new.decided_at <> now()) then
            raise exception 'business times are stamped by the database: a case cannot be registered with a time in the past'
                using errcode = 'check_violation';
        end if;
    elsif (new.accepted_at is distinct from old.accepted_at and new.accepted_at <> now())
        or (new.claimed_at is distinct from old.claimed_at and new.claimed_at <> now())
        or (new.decided_at is distinct from old.decided_at and new.decided_at <> now())
        or new.received_at is distinct from old.received_at then
        raise exception 'business times are stamped by the database: a time in the past cannot be recorded'
            using errcode = 'check_violation';
    end if;
    return new;
end
$$;

do $$
declare
    f record;
begin
    for f in
        select p.oid::regprocedure as sig
        from pg_proc p
        where p.pronamespace = 'public'::regnamespace
          -- Functions of an extension belong to the extension.
          and not exists (select 1
                          from pg_depend d
                          where d.classid = 'pg_proc'::regclass
                            and d.objid = p.oid
                            and d.deptype = 'e')
    loop
        execute format('alter function %s set search_path = pg_catalog, public, pg_temp', f.sig);
    end loop;
end
$$;

-- Nobody but the schema's owner creates objects in it (PostgreSQL 15 already ships this; a
-- database upgraded from an older server may not).
revoke create on schema public from public;
