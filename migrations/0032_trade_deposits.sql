-- Deposits held and refunded on others' behalf (代收代退, issue 17.7; docs/trading.md
-- "Deposits"). A ledger of its own, apart from the non-tax fees: each registration of a section
-- with a deposit expects it in the center's one deposit account, paid into the registration's
-- own sub-account (子账号: the registration id and a Luhn check digit). The bank's statement is
-- imported and each line classed against the expectation of its sub-account.

create table trade_deposits
(
    deposit_id      bigint generated always as identity primary key,
    registration_id bigint      not null unique references trade_registrations (registration_id),
    sub_account     text        not null unique check (sub_account ~ '^[0-9]{11}$'),
    expected_fen    bigint      not null check (expected_fen > 0),
    -- Every fen paid into the sub-account, whatever its class: money held is money to return.
    received_fen    bigint      not null default 0 check (received_fen >= 0),
    state           text        not null default 'expected'
        check (state in ('expected', 'received', 'matched', 'mismatch', 'refund_due', 'refunded',
                         'forfeited', 'converted')),
    version         integer     not null default 1,
    created_at      timestamptz not null default now()
);

-- One import of a statement file: who, when, which file (its SHA-256), how many new lines.
create table trade_statement_imports
(
    import_id   bigint generated always as identity primary key,
    source      text        not null check (length(source) between 1 and 40),
    file_sha256 text        not null check (file_sha256 ~ '^[0-9a-f]{64}$'),
    lines       integer     not null check (lines >= 0),
    new_lines   integer     not null check (new_lines between 0 and lines),
    imported_by bigint      not null references operators (operator_id),
    imported_at timestamptz not null default now()
);

create table trade_statement_lines
(
    line_id       bigint generated always as identity primary key,
    import_id     bigint      not null references trade_statement_imports (import_id),
    line_no       integer     not null check (line_no > 0),
    source        text        not null,
    -- The bank's reference: importing the same line again (the same file, or an overlapping
    -- statement) adds nothing.
    bank_ref      text        not null check (length(bank_ref) between 1 and 64),
    sub_account   text        not null check (length(sub_account) <= 64),
    amount_fen    bigint      not null check (amount_fen > 0),
    paid_at       timestamptz not null,
    -- The day at the center it was paid: a closed business day (日结) refuses new lines.
    business_date date        not null,
    payer_name    text        not null check (length(payer_name) <= 200),
    payer_account text        not null check (length(payer_account) <= 64),
    method        text        not null check (length(method) <= 40),
    class         text        not null
        check (class in ('matched', 'short', 'over', 'late', 'payer_mismatch', 'not_basic_account',
                         'cash_refused', 'unknown_sub_account')),
    deposit_id    bigint references trade_deposits (deposit_id),
    -- A line is tied to a deposit exactly when its sub-account is known.
    check ((class = 'unknown_sub_account') = (deposit_id is null)),
    unique (source, bank_ref)
);

create index trade_statement_lines_deposit on trade_statement_lines (deposit_id);
create index trade_statement_lines_class on trade_statement_lines (class) where class <> 'matched';

-- Day close covers the deposit ledger (issue 17.7): the statement-level check of the receipts
-- (migrations 0018, 0021), with the same day lock, on every statement that adds lines.
create trigger trade_statement_lines_closed_day
    after insert on trade_statement_lines
    referencing new table as added
    for each statement execute function refuse_closed_day_added();
