-- Staff who log in. Roles are a text array rather than a join table: an operator holds one to a few
-- roles, they are read on every permission check, and the check constraint keeps the set closed.

create table operators
(
    operator_id     bigint generated always as identity primary key,
    -- Login code, what the operator types at the login screen. Lower-case so that login is
    -- case-insensitive without a functional index.
    code            text        not null unique check (code ~ '^[a-z0-9_.-]{2,32}$'),
    name            text        not null check (length(name) between 1 and 40),
    department_id   bigint      not null references departments (department_id),
    -- The window the operator usually sits at; null for back-office staff (reviewers, supervisors).
    window_id       bigint      references windows (window_id),
    roles           text[]      not null check (
        cardinality(roles) >= 1
        and roles <@ array ['window_clerk', 'chief_rep', 'reviewer', 'cashier', 'supervisor', 'admin']::text[]
    ),
    -- argon2id PHC string ($argon2id$v=19$m=...,t=...,p=...$salt$hash).
    password_hash   text        not null check (password_hash like '$argon2id$%'),
    active          boolean     not null default true,
    failed_logins   integer     not null default 0 check (failed_logins >= 0),
    -- Set when failed_logins reached the limit; null or in the past means not locked.
    locked_until    timestamptz,
    -- Optimistic locking: every update of the row bumps it, every update checks it.
    version         integer     not null default 1,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now()
);
select manage_updated_at('operators');
create index operators_department_idx on operators (department_id);
