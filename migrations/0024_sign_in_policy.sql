-- Sign-in rules live on the server (issue 15.5). Before, the lockout was read from the client's
-- own configuration and environment: ONEWINDOW_MAX_FAILED_LOGINS=100 gave 100 guesses a minute.
-- Now the one row below is what every sign-in reads, inside its own transaction; a client can
-- only make its idle lock shorter than idle_lock_minutes, never longer. Defaults follow common
-- practice for counter staff (MLPS 2.0 / 等保 level 3: lock after at most 5 failures, idle lock).
create table sign_in_policy
(
    only_row          boolean primary key default true check (only_row),
    -- Consecutive wrong passwords that lock an account.
    max_failed_logins integer     not null default 5 check (max_failed_logins between 3 and 10),
    -- How long a locked account stays locked.
    lockout_minutes   integer     not null default 15 check (lockout_minutes between 1 and 1440),
    -- The longest a signed-in screen may stay idle before it locks.
    idle_lock_minutes integer     not null default 10 check (idle_lock_minutes between 1 and 60),
    updated_at        timestamptz not null default now(),
    updated_by        bigint references operators (operator_id)
);
insert into sign_in_policy default values;
