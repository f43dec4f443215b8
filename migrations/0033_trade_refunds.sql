-- Refunds of deposits (代收代退, issue 17.7; docs/trading.md "Refunds"). An event recorded for
-- a section (a contract signed, an award notice, a withdrawal, a termination, the end of the
-- activity) makes the deposits it covers due for refund by the rule set's deadline; a deposit
-- accountant prepares each refund (principal and interest), another person approves it (four
-- eyes, held here as well as in the store), approved refunds leave in a bank payment file and
-- are closed by the bank's confirmation.

create table trade_refund_events
(
    event_id    bigint generated always as identity primary key,
    section_id  bigint      not null references trade_sections (section_id),
    event       text        not null
        check (event in ('contract_signed', 'award_notice', 'withdrawal', 'termination',
                         'activity_end')),
    occurred_on date        not null,
    note        text check (length(note) between 1 and 200),
    recorded_by bigint      not null references operators (operator_id),
    recorded_at timestamptz not null default now()
);

-- One payment file: the approved refunds it carries.
create table trade_refund_batches
(
    batch_id    bigint generated always as identity primary key,
    refunds     integer     not null check (refunds > 0),
    total_fen   bigint      not null check (total_fen > 0),
    file_sha256 text        not null check (file_sha256 ~ '^[0-9a-f]{64}$'),
    made_by     bigint      not null references operators (operator_id),
    made_at     timestamptz not null default now()
);

create table trade_refunds
(
    refund_id     bigint generated always as identity primary key,
    deposit_id    bigint      not null unique references trade_deposits (deposit_id),
    event_id      bigint      not null references trade_refund_events (event_id),
    article       text        not null,
    due_on        date        not null,
    -- The due date was counted into a year whose holidays are not loaded.
    provisional   boolean     not null,
    interest_rule text        not null check (interest_rule in ('none', 'demand')),
    principal_fen bigint      not null check (principal_fen > 0),
    interest_fen  bigint check (interest_fen >= 0),
    -- Prepared after its due date: interest at the demand rate whatever the rule says.
    late          boolean     not null default false,
    state         text        not null default 'due'
        check (state in ('due', 'prepared', 'approved', 'exported', 'refunded')),
    prepared_by   bigint references operators (operator_id),
    prepared_at   timestamptz,
    approved_by   bigint references operators (operator_id),
    approved_at   timestamptz,
    batch_id      bigint references trade_refund_batches (batch_id),
    bank_ref      text check (length(bank_ref) between 1 and 64),
    refunded_at   timestamptz,
    version       integer     not null default 1,
    -- Four eyes: whoever prepared a refund does not approve it.
    constraint trade_refunds_four_eyes check (approved_by is null or approved_by <> prepared_by),
    check ((state = 'due') = (prepared_by is null)),
    check ((state = 'due') = (interest_fen is null)),
    check ((state in ('due', 'prepared')) = (approved_by is null)),
    check ((state in ('exported', 'refunded')) = (batch_id is not null)),
    check ((state = 'refunded') = (refunded_at is not null))
);

create index trade_refunds_open on trade_refunds (due_on) where state <> 'refunded';
