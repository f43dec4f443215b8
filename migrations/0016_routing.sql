-- Parallel approval (并联审批), docs/routing.md. An item may carry a routing template: ordered
-- stages, each a set of departments reviewing at once with a reply limit in working days, and a
-- lead department that answers the applicant once. Templates are versioned: an edit adds a
-- version, and a case keeps the version it was accepted under. The state machine itself is in
-- src/domain/routing.rs; these tables hold its states.
create table routing_templates
(
    template_id        bigint generated always as identity primary key,
    item_id            bigint      not null references items (item_id),
    version            integer     not null check (version >= 1),
    lead_department_id bigint      not null references departments (department_id),
    -- 超时默许: a branch past its reply limit counts as consent at the join.
    deemed_consent     boolean     not null default false,
    created_at         timestamptz not null default now(),
    created_by         bigint references operators (operator_id),
    unique (item_id, version)
);

create table routing_template_branches
(
    template_id   bigint  not null references routing_templates (template_id),
    stage         integer not null check (stage >= 1),
    department_id bigint  not null references departments (department_id),
    reply_days    integer not null default 7 check (reply_days between 1 and 60),
    primary key (template_id, stage, department_id)
);

-- The routing of one case: its template version and where it stands. Cases of items without
-- a template have no row here and are decided as before.
create table case_routes
(
    case_id            bigint primary key references cases (case_id),
    template_id        bigint      not null references routing_templates (template_id),
    -- review | suspended (stage > 0) · lead | lead_disagreed | approved | disapproved |
    -- delivered | withdrawn (stage 0)
    state              text        not null check (state in ('review', 'suspended', 'lead',
                                       'lead_disagreed', 'approved', 'disapproved', 'delivered',
                                       'withdrawn')),
    stage              integer     not null default 0,
    result_document_no text,
    decision_reason    text,
    -- Approving over a branch's disagreement: who answers for it, in their words.
    responsibility     text,
    decided_by         bigint references operators (operator_id),
    decided_at         timestamptz,
    delivery           text check (delivery in ('window', 'post')),
    delivered_at       timestamptz,
    withdrawn_reason   text,
    closed_at          timestamptz,
    updated_at         timestamptz not null default now(),
    version            integer     not null default 1
);
create index case_routes_open_idx on case_routes (state) where closed_at is null;

create table case_branches
(
    branch_id     bigint generated always as identity primary key,
    case_id       bigint      not null references case_routes (case_id),
    stage         integer     not null,
    department_id bigint      not null references departments (department_id),
    state         text        not null default 'open'
        check (state in ('open', 'agreed', 'disagreed', 'correction', 'deemed_agreed', 'closed')),
    opened_at     timestamptz not null default now(),
    -- The reply limit, in working days from opening, on the center's calendar.
    reply_due     date        not null,
    claimed_by    bigint references operators (operator_id),
    claimed_at    timestamptz,
    opinion       text,
    missing       text,
    decided_by    bigint references operators (operator_id),
    decided_at    timestamptz,
    version       integer     not null default 1,
    unique (case_id, stage, department_id)
);
-- A department's open branches: its review queue.
create index case_branches_open_idx on case_branches (department_id, reply_due)
    where state = 'open';
