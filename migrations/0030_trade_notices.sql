-- Notices and publicity (公告/公示) of the trading center (issue 17.5; docs/trading.md "Notices").
-- A notice states when its period ends; the least lawful end is computed from the rule set and
-- stored beside it. A notice shorter than the law is published only under a supervisor's
-- override, given beforehand with a reason (audited, and a finding).

create table trade_notice_overrides
(
    override_id  bigint generated always as identity primary key,
    section_id   bigint      not null references trade_sections (section_id),
    kind         text        not null,
    reason       text        not null check (length(reason) between 4 and 500),
    given_by     bigint      not null references operators (operator_id),
    given_at     timestamptz not null default now(),
    -- The notice that used it; an override serves one notice.
    used_by      bigint
);
create unique index trade_notice_overrides_open_idx
    on trade_notice_overrides (section_id, kind) where used_by is null;

create table trade_notices
(
    notice_id         bigint generated always as identity primary key,
    section_id        bigint      not null references trade_sections (section_id),
    kind              text        not null check (kind in ('tender', 'prequalification', 'listing', 'change',
                                                           'termination', 'candidate_publicity', 'result', 'contract')),
    title             text        not null check (length(title) between 1 and 200),
    media             text        not null check (length(media) between 1 and 100),
    published_at      timestamptz not null default now(),
    published_by      bigint      not null references operators (operator_id),
    -- The last day of the notice's period as published, and the earliest the law allows.
    ends_on           date,
    lawful_end        date,
    period_days       integer,
    period_unit       text check (period_unit in ('day', 'working_day')),
    article           text,
    -- Counted into a year whose holidays were not loaded.
    provisional       boolean     not null default false,
    override_id       bigint references trade_notice_overrides (override_id),
    -- A change published too late for the deadline moved it here (条例 21).
    moved_deadline_to timestamptz,
    check (ends_on >= lawful_end or override_id is not null),
    check ((period_days is null) = (lawful_end is null)),
    check (lawful_end is null or ends_on is not null)
);
create index trade_notices_published_idx on trade_notices (published_at desc);

alter table trade_notice_overrides
    add constraint trade_notice_overrides_used_by_fkey foreign key (used_by) references trade_notices (notice_id);
