-- Personal data cannot be mined through lookup (issue 15.7). Every lookup that searches is written
-- to lookup_log — who, which kinds the query could be, how long it was, how many cases it hit,
-- when — never the text typed (that would be personal data kept forever). An operator may look
-- up at most lookup_policy.per_minute times a minute; one whose number lookups (ID or phone
-- tails, case numbers) within ten minutes reach notice_after is reported to the supervisors
-- (an audit row `lookup.pattern`, shown in their access log). The rules are data with these
-- commented defaults, changed by the database owner (a command for administrators is to come).

create table lookup_policy
(
    only_row     boolean primary key default true check (only_row),
    -- Lookups a minute per operator: as-you-type search issues a few per query.
    per_minute   integer     not null default 30 check (per_minute between 1 and 1000),
    -- Number lookups in ten minutes that look like enumeration (45 tails revealed an ID number).
    notice_after integer     not null default 40 check (notice_after between 5 and 10000),
    updated_at   timestamptz not null default now(),
    updated_by   bigint references operators (operator_id)
);
insert into lookup_policy default values;

create table lookup_log
(
    lookup_id   bigint generated always as identity primary key,
    operator_id bigint      not null references operators (operator_id),
    at          timestamptz not null default now(),
    -- The kinds the query's shape allowed: payment_code, case_no, id_no, phone, name.
    kinds       text[]      not null,
    length      integer     not null check (length >= 0),
    hits        integer     not null check (hits >= 0),
    -- Refused by the rate limit: counted, not answered.
    refused     boolean     not null default false
);
create index lookup_log_operator_at_idx on lookup_log (operator_id, at);

-- Append-only, like the audit log: a lookup cannot be unsaid.
create function lookup_log_refuse_change() returns trigger
    language plpgsql
    set search_path = pg_catalog, public
as
$$
begin
    raise exception 'lookup_log is append-only: % refused', tg_op
        using errcode = 'insufficient_privilege';
end;
$$;
create trigger lookup_log_append_only
    before update or delete
    on lookup_log
    for each row
execute function lookup_log_refuse_change();
create trigger lookup_log_no_truncate
    before truncate
    on lookup_log
    for each statement
execute function lookup_log_refuse_change();
