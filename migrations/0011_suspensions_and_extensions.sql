-- Special procedures (特别程序, Administrative Licensing Law art. 45) stop a case's clock; one
-- extension per case adds working days. The due date moves by the working days a suspension
-- lasted and by the extension: due = acceptance + limit + extension + suspended working days.
create type suspension_kind as enum (
    'hearing', 'tendering', 'auction', 'testing', 'inspection', 'quarantine', 'appraisal',
    'expert_review', 'public_notice', 'correction'
);

create table case_suspensions
(
    suspension_id bigint generated always as identity primary key,
    case_id       bigint          not null references cases (case_id),
    kind          suspension_kind not null,
    reason        text            not null check (length(btrim(reason)) > 0),
    started_at    timestamptz     not null default now(),
    started_by    bigint          not null references operators (operator_id),
    ended_at      timestamptz,
    ended_by      bigint references operators (operator_id),
    -- Working days the clock stood still, fixed when the suspension ends.
    working_days  integer check (working_days >= 0),
    check ((ended_at is null) = (ended_by is null)),
    check ((ended_at is null) = (working_days is null))
);
-- At most one open suspension per case.
create unique index case_suspensions_open_idx on case_suspensions (case_id) where ended_at is null;

alter table cases
    add column suspended        boolean not null default false,
    add column suspended_days   integer not null default 0 check (suspended_days >= 0),
    add column extension_days   integer not null default 0 check (extension_days between 0 and 30),
    add column extension_reason text,
    add column extended_by      bigint references operators (operator_id),
    add column extended_at      timestamptz,
    add check ((extension_days > 0) = (extended_at is not null)),
    add check ((extension_days > 0) = (extension_reason is not null and extended_by is not null));

-- No back-filling here either: a suspension starts and ends at the database's now().
create function refuse_backdated_suspension_times() returns trigger
    language plpgsql as
$$
begin
    if (tg_op = 'INSERT' and new.started_at <> now())
        or (tg_op = 'UPDATE' and (new.started_at is distinct from old.started_at
                                  or (new.ended_at is distinct from old.ended_at
                                      and new.ended_at <> now()))) then
        raise exception 'business times are stamped by the database: a suspension cannot be dated in the past'
            using errcode = 'check_violation';
    end if;
    return new;
end
$$;
create trigger case_suspensions_refuse_backdating
    before insert or update on case_suspensions
    for each row execute function refuse_backdated_suspension_times();
