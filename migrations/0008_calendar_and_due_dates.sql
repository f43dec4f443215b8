-- The working-day calendar (工作日): public holidays and make-up working days (调休) per year, from
-- the State Council's notices. A year is "loaded" when it has a row in calendar_years; counting
-- through a year that is not loaded is provisional (weekends only). 2025 and 2026 ship here; later
-- years come with `onewindow calendar import` (docs/time-limits.md). The rows below are
-- calendars/2025.toml and calendars/2026.toml; tests/db_calendar.rs checks that they agree.
create type calendar_day_kind as enum ('holiday', 'workday');

create table calendar_years
(
    year      integer primary key check (year between 2000 and 2100),
    notice    text        not null check (notice <> ''),
    loaded_at timestamptz not null default now(),
    -- null: shipped with onewindow.
    loaded_by bigint references operators (operator_id)
);

create table calendar_days
(
    day  date primary key,
    year integer           not null references calendar_years (year) on delete cascade,
    kind calendar_day_kind not null,
    name text              not null,
    check (extract(year from day)::integer = year)
);

-- Time limits of a case: the promised limit in working days, fixed at acceptance, and the due
-- date counted from the acceptance day on the calendar (provisional while a year it runs
-- through is not loaded; recomputed when that year is imported).
alter table cases
    add column limit_days      integer check (limit_days >= 0),
    add column due_date        date,
    add column due_provisional boolean not null default false;

-- The open queues sort by due date (cases awaiting correction, without one, last); keyset
-- pagination on (department, due, case_id).
create index cases_open_due_idx on cases (department_id, (coalesce(due_date, date '9999-12-31')), case_id)
    where status in ('accepted', 'correction');
create index cases_open_all_due_idx on cases ((coalesce(due_date, date '9999-12-31')), case_id)
    where status in ('accepted', 'correction');
create index cases_provisional_idx on cases (case_id) where due_provisional;

insert into calendar_years (year, notice) values (2025, '国办发明电〔2024〕12号');
insert into calendar_days (day, year, kind, name)
values ('2025-01-01', 2025, 'holiday', '元旦'),
       ('2025-01-26', 2025, 'workday', '春节'),
       ('2025-01-28', 2025, 'holiday', '春节'),
       ('2025-01-29', 2025, 'holiday', '春节'),
       ('2025-01-30', 2025, 'holiday', '春节'),
       ('2025-01-31', 2025, 'holiday', '春节'),
       ('2025-02-01', 2025, 'holiday', '春节'),
       ('2025-02-02', 2025, 'holiday', '春节'),
       ('2025-02-03', 2025, 'holiday', '春节'),
       ('2025-02-04', 2025, 'holiday', '春节'),
       ('2025-02-08', 2025, 'workday', '春节'),
       ('2025-04-04', 2025, 'holiday', '清明节'),
       ('2025-04-05', 2025, 'holiday', '清明节'),
       ('2025-04-06', 2025, 'holiday', '清明节'),
       ('2025-04-27', 2025, 'workday', '劳动节'),
       ('2025-05-01', 2025, 'holiday', '劳动节'),
       ('2025-05-02', 2025, 'holiday', '劳动节'),
       ('2025-05-03', 2025, 'holiday', '劳动节'),
       ('2025-05-04', 2025, 'holiday', '劳动节'),
       ('2025-05-05', 2025, 'holiday', '劳动节'),
       ('2025-05-31', 2025, 'holiday', '端午节'),
       ('2025-06-01', 2025, 'holiday', '端午节'),
       ('2025-06-02', 2025, 'holiday', '端午节'),
       ('2025-09-28', 2025, 'workday', '国庆节、中秋节'),
       ('2025-10-01', 2025, 'holiday', '国庆节、中秋节'),
       ('2025-10-02', 2025, 'holiday', '国庆节、中秋节'),
       ('2025-10-03', 2025, 'holiday', '国庆节、中秋节'),
       ('2025-10-04', 2025, 'holiday', '国庆节、中秋节'),
       ('2025-10-05', 2025, 'holiday', '国庆节、中秋节'),
       ('2025-10-06', 2025, 'holiday', '国庆节、中秋节'),
       ('2025-10-07', 2025, 'holiday', '国庆节、中秋节'),
       ('2025-10-08', 2025, 'holiday', '国庆节、中秋节'),
       ('2025-10-11', 2025, 'workday', '国庆节、中秋节');

insert into calendar_years (year, notice) values (2026, '国办发明电〔2025〕7号');
insert into calendar_days (day, year, kind, name)
values ('2026-01-01', 2026, 'holiday', '元旦'),
       ('2026-01-02', 2026, 'holiday', '元旦'),
       ('2026-01-03', 2026, 'holiday', '元旦'),
       ('2026-01-04', 2026, 'workday', '元旦'),
       ('2026-02-14', 2026, 'workday', '春节'),
       ('2026-02-15', 2026, 'holiday', '春节'),
       ('2026-02-16', 2026, 'holiday', '春节'),
       ('2026-02-17', 2026, 'holiday', '春节'),
       ('2026-02-18', 2026, 'holiday', '春节'),
       ('2026-02-19', 2026, 'holiday', '春节'),
       ('2026-02-20', 2026, 'holiday', '春节'),
       ('2026-02-21', 2026, 'holiday', '春节'),
       ('2026-02-22', 2026, 'holiday', '春节'),
       ('2026-02-23', 2026, 'holiday', '春节'),
       ('2026-02-28', 2026, 'workday', '春节'),
       ('2026-04-04', 2026, 'holiday', '清明节'),
       ('2026-04-05', 2026, 'holiday', '清明节'),
       ('2026-04-06', 2026, 'holiday', '清明节'),
       ('2026-05-01', 2026, 'holiday', '劳动节'),
       ('2026-05-02', 2026, 'holiday', '劳动节'),
       ('2026-05-03', 2026, 'holiday', '劳动节'),
       ('2026-05-04', 2026, 'holiday', '劳动节'),
       ('2026-05-05', 2026, 'holiday', '劳动节'),
       ('2026-05-09', 2026, 'workday', '劳动节'),
       ('2026-06-19', 2026, 'holiday', '端午节'),
       ('2026-06-20', 2026, 'holiday', '端午节'),
       ('2026-06-21', 2026, 'holiday', '端午节'),
       ('2026-09-20', 2026, 'workday', '国庆节'),
       ('2026-09-25', 2026, 'holiday', '中秋节'),
       ('2026-09-26', 2026, 'holiday', '中秋节'),
       ('2026-09-27', 2026, 'holiday', '中秋节'),
       ('2026-10-01', 2026, 'holiday', '国庆节'),
       ('2026-10-02', 2026, 'holiday', '国庆节'),
       ('2026-10-03', 2026, 'holiday', '国庆节'),
       ('2026-10-04', 2026, 'holiday', '国庆节'),
       ('2026-10-05', 2026, 'holiday', '国庆节'),
       ('2026-10-06', 2026, 'holiday', '国庆节'),
       ('2026-10-07', 2026, 'holiday', '国庆节'),
       ('2026-10-10', 2026, 'workday', '国庆节');
