-- Close and import serialise on the business day (issue 14.13, docs/reconciliation.md). A day
-- closed while an import was still running ended up holding that import's receipts: the
-- import's closed-day check ran before the close committed, and the close did not wait for the
-- import. Now every change of a day's fee rows takes the day's lock shared, and a close (or a
-- reopen) takes it exclusive, both held to the end of the transaction:
--
--   * an import (or a link, a refund mark, a note, an assessment) that reaches the day first
--     holds the lock; the close waits until it commits, and the day then holds what was
--     imported before its close;
--   * a close that reaches the day first holds the lock; the import waits, then its check, run
--     after the wait, sees the committed close and refuses the import: nothing of it stays.
--
-- The lock is a transaction-level advisory lock keyed by the day (key one: a constant that
-- names this lock; key two: the day's number). Shared locks do not wait for each other, so
-- imports still run side by side; only a close waits, and only for its own day.
create function fee_day_lock(d date, exclusive boolean) returns void
    language plpgsql
    volatile
as
$$
begin
    if exclusive then
        perform pg_advisory_xact_lock(140013, d - date '2000-01-01');
    else
        perform pg_advisory_xact_lock_shared(140013, d - date '2000-01-01');
    end if;
end
$$;

-- The row-level check of migration 0014, locking first. A volatile function takes a fresh
-- snapshot for each query it runs, so the check below sees a close committed while it waited.
create or replace function refuse_closed_day() returns trigger
    language plpgsql as
$$
declare
    d date;
begin
    d := case when tg_op = 'DELETE' then old.business_date else new.business_date end;
    perform fee_day_lock(d, false);
    if tg_op = 'UPDATE' and old.business_date <> new.business_date then
        perform fee_day_lock(old.business_date, false);
    end if;
    if exists (select 1 from day_closes where business_date = d)
        or (tg_op = 'UPDATE' and exists (select 1 from day_closes where business_date = old.business_date)) then
        raise exception 'business day % is closed (日结): reopen it first', d
            using errcode = 'check_violation';
    end if;
    return case when tg_op = 'DELETE' then old else new end;
end
$$;

-- The statement-level check of migration 0018 on new receipts: each day the statement added
-- to is locked (in date order, the same order everywhere), then checked.
create or replace function refuse_closed_day_added() returns trigger
    language plpgsql as
$$
declare
    d date;
begin
    perform fee_day_lock(s.business_date, false)
    from (select distinct business_date from added order by business_date) s;
    select a.business_date into d
    from added a join day_closes c using (business_date)
    limit 1;
    if found then
        raise exception 'business day % is closed (日结): reopen it first', d
            using errcode = 'check_violation';
    end if;
    return null;
end
$$;

-- Closing or reopening a day takes its lock exclusive: it waits for the changes of that day
-- under way, and the changes that come after it wait for it.
create function lock_closed_day() returns trigger
    language plpgsql as
$$
begin
    perform fee_day_lock(case when tg_op = 'DELETE' then old.business_date else new.business_date end, true);
    return case when tg_op = 'DELETE' then old else new end;
end
$$;
create trigger day_closes_lock
    before insert or delete on day_closes
    for each row execute function lock_closed_day();
