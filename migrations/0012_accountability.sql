-- A red card can become an accountability record (问责): an admonishment (诫勉) or a
-- rectification (整改) with a deadline, opened by a supervisor and tracked until closed.
create type accountability_kind as enum ('admonishment', 'rectification');

create table accountability_records
(
    record_id    bigint generated always as identity primary key,
    card_id      bigint              not null unique references supervision_cards (card_id),
    kind         accountability_kind not null,
    note         text                not null check (length(btrim(note)) > 0),
    deadline     date,
    opened_at    timestamptz         not null default now(),
    opened_by    bigint              not null references operators (operator_id),
    closed_at    timestamptz,
    closed_by    bigint references operators (operator_id),
    closing_note text,
    check ((kind = 'rectification') = (deadline is not null)),
    check ((closed_at is null) = (closed_by is null)),
    check ((closed_at is null) = (closing_note is null))
);
create index accountability_open_idx on accountability_records (deadline) where closed_at is null;
