-- A night's import of a million receipts (issue 8, docs/performance.md). The closed-day check
-- on new receipts runs once per statement over the rows it inserted (a transition table), not
-- once per row: the same refusal, with the same message, at a fraction of the cost. Updates and
-- deletes keep the row-level check of migration 0014.
drop trigger receipts_closed_day on receipts;
create trigger receipts_closed_day
    before update or delete on receipts
    for each row execute function refuse_closed_day();

create function refuse_closed_day_added() returns trigger
    language plpgsql as
$$
declare
    d date;
begin
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
create trigger receipts_closed_day_added
    after insert on receipts
    referencing new table as added
    for each statement execute function refuse_closed_day_added();

