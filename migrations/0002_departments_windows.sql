-- Departments stationed at the center, the halls it supervises, and the township centers it guides.
-- A department's kind decides where its windows are and how it is assessed (efficiency evaluation).

create type department_kind as enum ('center_department', 'supervised_hall', 'township_center');

create table departments
(
    department_id bigint generated always as identity primary key,
    -- Short stable code used in case numbers and in configuration, e.g. 'SCJG' (市场监督管理局).
    code          text            not null unique check (code ~ '^[A-Z0-9]{2,12}$'),
    name_zh       text            not null check (length(name_zh) between 1 and 60),
    name_en       text            not null check (length(name_en) between 1 and 120),
    kind          department_kind not null,
    active        boolean         not null default true,
    created_at    timestamptz     not null default now(),
    updated_at    timestamptz     not null default now()
);
select manage_updated_at('departments');

-- A window is one counter of one department. Its code is what is painted above the counter ('A03').
create table windows
(
    window_id     bigint generated always as identity primary key,
    department_id bigint      not null references departments (department_id),
    code          text        not null unique check (code ~ '^[A-Z0-9-]{1,12}$'),
    name_zh       text        not null,
    name_en       text        not null,
    active        boolean     not null default true,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);
select manage_updated_at('windows');
create index windows_department_idx on windows (department_id);
