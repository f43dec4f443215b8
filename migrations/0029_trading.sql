-- The Public Resource Trading Center, part 1 (issue 17; docs/trading.md): the rule sets as
-- imported, projects entering the center (进场登记) and their sections (标段/包), venues booked
-- by time range, and findings (疑似违规: flags, not verdicts).

-- The trading roles join the closed set of operator roles.
alter table operators drop constraint operators_roles_check;
alter table operators add constraint operators_roles_check check (
    cardinality(roles) >= 1
    and roles <@ array ['window_clerk', 'chief_rep', 'reviewer', 'cashier', 'supervisor', 'admin',
                        'trading_clerk', 'deposit_accountant', 'trading_director']::text[]
);

-- A rule set as an administrator imported it: the checked rules (domain::trading::rules) and the
-- file itself. The newest rule set whose effective_from has come applies; older ones stay, so a
-- project shows the rules it was registered under.
create table trade_rule_sets
(
    version        text primary key check (length(version) between 1 and 40),
    effective_from date        not null,
    rules          jsonb       not null,
    source         text        not null,
    imported_at    timestamptz not null default now(),
    imported_by    bigint      not null references operators (operator_id)
);

create table trade_counters
(
    line text    not null,
    year integer not null,
    last integer not null,
    primary key (line, year)
);

create table trade_projects
(
    project_id        bigint generated always as identity primary key,
    -- <line><year>-<seq>, e.g. GC2026-00012.
    project_code      text        not null unique check (project_code ~ '^(GC|CG|TD|CQ|QT)[0-9]{4}-[0-9]{5}$'),
    line              text        not null check (line in ('GC', 'CG', 'TD', 'CQ', 'QT')),
    title             text        not null check (length(title) between 1 and 200),
    -- The tenderer (招标人/采购人/出让人/转让方) by its unified social credit code.
    tenderer_code     text        not null check (tenderer_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'),
    tenderer_name     text        not null check (length(tenderer_name) between 1 and 100),
    agent_name        text check (length(agent_name) between 1 and 100),
    level             text        not null check (level in ('urban', 'township')),
    township          text check (length(township) between 1 and 50),
    fund_source       text        not null check (length(fund_source) between 1 and 100),
    approval_no       text check (length(approval_no) between 1 and 100),
    -- The estimate (工程), budget (采购) or appraisal (土地、产权), by line.
    amount_fen        bigint      not null check (amount_fen between 0 and 100000000000000),
    fiscal_year       integer     not null check (fiscal_year between 2000 and 2100),
    -- The threshold rule applied at entry, as it was then.
    must_enter        boolean     not null,
    threshold_article text        not null,
    rule_version      text        not null references trade_rule_sets (version),
    stage             text        not null default 'registered'
        check (stage in ('registered', 'noticed', 'opened', 'evaluated', 'awarded', 'contracted', 'closed', 'terminated')),
    registered_at     timestamptz not null default now(),
    registered_by     bigint      not null references operators (operator_id),
    claimed_by        bigint references operators (operator_id),
    claimed_at        timestamptz,
    version           integer     not null default 1,
    check ((level = 'township') = (township is not null)),
    check ((claimed_by is null) = (claimed_at is null))
);
create index trade_projects_splitting_idx on trade_projects (tenderer_code, line, fiscal_year);

create table trade_sections
(
    section_id        bigint generated always as identity primary key,
    project_id        bigint      not null references trade_projects (project_id),
    section_no        integer     not null check (section_no between 1 and 999),
    -- 统一交易标识码: <region 6 digits><line><year><project seq 5><section 3> (docs/trading.md).
    unified_deal_code text        not null unique check (unified_deal_code ~ '^[0-9]{6}(GC|CG|TD|CQ|QT)[0-9]{12}$'),
    name              text        not null check (length(name) between 1 and 200),
    basis_fen         bigint      not null check (basis_fen between 0 and 100000000000000),
    deposit_fen       bigint      not null check (deposit_fen >= 0),
    bid_validity_days integer     not null check (bid_validity_days between 1 and 365),
    doc_issue_at      timestamptz,
    deadline_at       timestamptz,
    opening_at        timestamptz,
    created_at        timestamptz not null default now(),
    version           integer     not null default 1,
    unique (project_id, section_no),
    check (deadline_at > doc_issue_at),
    check (opening_at >= deadline_at)
);

create table venues
(
    venue_id bigint generated always as identity primary key,
    code     text not null unique check (code ~ '^[A-Z0-9-]{1,20}$'),
    -- 开标室 (opening) or 评标室 (evaluation).
    kind     text not null check (kind in ('opening', 'evaluation')),
    name_zh  text not null check (length(name_zh) between 1 and 50),
    name_en  text not null check (length(name_en) between 1 and 50)
);

-- A room is booked for a time range; two bookings of one room never overlap. The database
-- refuses it (an exclusion constraint on the room and the range: the venue id as a one-point
-- range, so the built-in GiST range support serves without an extension), not only the app.
create table venue_bookings
(
    booking_id bigint generated always as identity primary key,
    venue_id   bigint      not null references venues (venue_id),
    section_id bigint references trade_sections (section_id),
    during     tstzrange   not null check (not isempty(during) and not lower_inf(during) and not upper_inf(during)),
    purpose    text        not null check (length(purpose) between 1 and 200),
    booked_by  bigint      not null references operators (operator_id),
    booked_at  timestamptz not null default now(),
    constraint venue_bookings_no_overlap
        exclude using gist (int8range(venue_id, venue_id, '[]') with &&, during with &&)
);

-- Findings: a signal and its evidence for a supervisor to look at (dismiss or refer).
create table trade_findings
(
    finding_id bigint generated always as identity primary key,
    rule_code  text        not null check (length(rule_code) between 1 and 40),
    subject    text        not null check (length(subject) between 1 and 200),
    evidence   jsonb       not null,
    status     text        not null default 'open' check (status in ('open', 'dismissed', 'referred')),
    created_at timestamptz not null default now(),
    unique (rule_code, subject)
);
