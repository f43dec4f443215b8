-- The deposit board's head in one read (issue 17, docs/performance.md "The deposit ledger"):
-- the statement lines' count and sum by class, kept by the database as lines arrive. The lines
-- are append-only (the runtime role may not update or delete them), so an insert is the only
-- change the totals follow: a statement-level trigger adds each statement's new lines.

create table trade_statement_totals
(
    class   text   primary key
        check (class in ('matched', 'short', 'over', 'late', 'payer_mismatch', 'not_basic_account',
                         'cash_refused', 'unknown_sub_account')),
    lines   bigint not null default 0 check (lines >= 0),
    sum_fen bigint not null default 0 check (sum_fen >= 0)
);

insert into trade_statement_totals (class, lines, sum_fen)
select c.class, count(l.line_id), coalesce(sum(l.amount_fen), 0)
from (values ('matched'), ('short'), ('over'), ('late'), ('payer_mismatch'),
             ('not_basic_account'), ('cash_refused'), ('unknown_sub_account')) as c (class)
left join trade_statement_lines l on l.class = c.class
group by c.class;

create function add_statement_totals() returns trigger
    language plpgsql
    set search_path = pg_catalog, public, pg_temp
as
$$
begin
    update trade_statement_totals t
    set lines = t.lines + a.n, sum_fen = t.sum_fen + a.s
    from (select class, count(*) as n, sum(amount_fen) as s from added group by class) a
    where t.class = a.class;
    return null;
end
$$;

create trigger trade_statement_lines_totals
    after insert on trade_statement_lines
    referencing new table as added
    for each statement execute function add_statement_totals();
