-- Cases (办件): one application, from the window where it was received to its decision.
--
-- status: correction  — received, materials missing: a correction notice (补正告知) was given;
--                        not accepted, the clock has not started;
--         accepted    — accepted (受理) at the window, in the department's queue;
--         approved / disapproved — decided.
-- A claimed case (claimed_by) is worked by exactly one operator; the claim is a guarded update.

create type case_status as enum ('correction', 'accepted', 'approved', 'disapproved');
create type applicant_kind as enum ('person', 'organisation');

-- Case numbers: YYYYMMDD-DEPT-NNNNN, one counter per day and department; an upsert on the counter
-- row serialises concurrent intakes of one department without blocking the others.
create table case_counters
(
    day           date   not null,
    department_id bigint not null references departments (department_id),
    last          integer not null,
    primary key (day, department_id)
);

create table cases
(
    case_id           bigint generated always as identity primary key,
    case_no           text           not null unique,
    item_id           bigint         not null references items (item_id),
    department_id     bigint         not null references departments (department_id),
    applicant_kind    applicant_kind not null,
    applicant_name    text           not null check (length(applicant_name) between 1 and 100),
    -- Resident ID or unified social credit code, normalised (upper case), checked by the app.
    applicant_id_no   text           not null check (length(applicant_id_no) = 18),
    applicant_phone   text           not null,
    applicant_address text           not null default '',
    status            case_status    not null,
    received_at       timestamptz    not null default now(),
    received_by       bigint         not null references operators (operator_id),
    -- 首问负责: the staff member the applicant first asked.
    first_inquiry_by  bigint         not null references operators (operator_id),
    accepted_at       timestamptz,
    correction_note   text,
    claimed_by        bigint references operators (operator_id),
    claimed_at        timestamptz,
    decided_at        timestamptz,
    decided_by        bigint references operators (operator_id),
    decision_reason   text,
    version           integer        not null default 1,
    created_at        timestamptz    not null default now(),
    updated_at        timestamptz    not null default now(),
    check ((status = 'accepted') <= (accepted_at is not null)),
    check ((status in ('approved', 'disapproved')) = (decided_at is not null and decided_by is not null)),
    check ((status = 'correction') <= (correction_note is not null)),
    check ((claimed_by is null) = (claimed_at is null))
);
select manage_updated_at('cases');
-- The department queue: open cases of a department, oldest first; keyset pagination on
-- (accepted_at, case_id).
create index cases_queue_idx on cases (department_id, status, accepted_at, case_id);
create index cases_claimed_idx on cases (claimed_by, status) where claimed_by is not null;
create index cases_decided_idx on cases (decided_at desc) where decided_at is not null;

create table case_materials
(
    case_id     bigint  not null references cases (case_id),
    material_id bigint  not null references item_materials (material_id),
    provided    boolean not null,
    primary key (case_id, material_id)
);
