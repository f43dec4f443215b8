-- The service catalogue (事项目录) and its public disclosure (办事指南): what can be applied for, at
-- which department, on what basis, within how many working days, with which materials.

create type item_category as enum (
    'administrative_licensing',   -- 行政许可
    'non_licensing_approval',     -- 非行政许可审批
    'public_service'              -- 公共服务
);

create table items
(
    item_id                      bigint generated always as identity primary key,
    code                         text          not null unique check (code ~ '^[A-Z0-9-]{4,24}$'),
    name_zh                      text          not null check (length(name_zh) between 2 and 80),
    name_en                      text          not null,
    department_id                bigint        not null references departments (department_id),
    category                     item_category not null,
    -- The nine disclosed attributes of the service guide.
    handling_body                text          not null,
    legal_basis                  text          not null,
    conditions                   text          not null,
    procedure                    text          not null,
    statutory_days               integer       not null check (statutory_days between 0 and 365),
    promised_days                integer       not null check (promised_days >= 0),
    result_document              text          not null,
    fee_basis                    text          not null default '',
    fee_standard                 text          not null default '',
    supervision_channel          text          not null,
    -- What keeps an item from being decided at the window right away.
    needs_site_survey            boolean       not null default false,
    needs_collective_discussion  boolean       not null default false,
    needs_expert_review          boolean       not null default false,
    needs_hearing                boolean       not null default false,
    -- An instant item (即办件) needs none of the four; derived, so it can never disagree.
    is_instant                   boolean generated always as (not (needs_site_survey
                                     or needs_collective_discussion or needs_expert_review
                                     or needs_hearing)) stored,
    -- A retired item stays for the cases that used it but takes no new cases.
    retired_at                   timestamptz,
    version                      integer       not null default 1,
    created_at                   timestamptz   not null default now(),
    updated_at                   timestamptz   not null default now(),
    -- The promise can only be shorter than the law allows.
    check (promised_days <= statutory_days)
);
select manage_updated_at('items');
create index items_department_idx on items (department_id) where retired_at is null;

create table item_materials
(
    material_id bigint generated always as identity primary key,
    item_id     bigint      not null references items (item_id),
    position    integer     not null,
    name_zh     text        not null,
    name_en     text        not null,
    -- Original, copy, or both; how many.
    form        text        not null default 'original' check (form in ('original', 'copy', 'both')),
    copies      integer     not null default 1 check (copies between 1 and 20),
    required    boolean     not null default true,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    unique (item_id, position)
);
select manage_updated_at('item_materials');
