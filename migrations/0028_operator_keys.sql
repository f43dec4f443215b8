-- Operators' SSH public keys for `onewindow serve` (issue 16): a session that proves it holds one
-- of these keys lands signed in as its operator, with no password typed (the idle lock still asks
-- for it). Keys are added and revoked by administrators (`onewindow operator key …`), audited.
-- A key is never deleted: a revoked key keeps its row, so the audit rows that name its id still
-- say whose key it was.
create table operator_keys
(
    operator_key_id bigint generated always as identity primary key,
    operator_id     bigint      not null references operators (operator_id),
    -- The OpenSSH algorithm name, e.g. ssh-ed25519.
    algorithm       text        not null check (algorithm ~ '^[a-z0-9@.-]{3,64}$'),
    -- The key as one OpenSSH line without its comment ("ssh-ed25519 AAAA…").
    public_key      text        not null check (length(public_key) between 16 and 16384
                                                and public_key !~ '[[:cntrl:]]'),
    -- SHA256 as OpenSSH prints it (ssh-keygen -l): 'SHA256:' and 43 base64 characters.
    fingerprint     text        not null check (fingerprint ~ '^SHA256:[A-Za-z0-9+/]{43}$'),
    comment         text        not null default '' check (length(comment) <= 200
                                                           and comment !~ '[[:cntrl:]]'),
    added_by        bigint      not null references operators (operator_id),
    revoked_at      timestamptz,
    revoked_by      bigint references operators (operator_id),
    version         integer     not null default 1,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    check ((revoked_at is null) = (revoked_by is null))
);
select manage_updated_at('operator_keys');

-- One live key belongs to one operator: the key alone says who connects.
create unique index operator_keys_live_fingerprint on operator_keys (fingerprint)
    where revoked_at is null;
create index operator_keys_operator on operator_keys (operator_id);
