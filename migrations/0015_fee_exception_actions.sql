-- Manual actions on reconciliation exceptions (docs/reconciliation.md): a cashier links a receipt
-- whose payment code is unknown to the assessment it pays, marks a receipt for refund, or
-- annotates a receipt or an assessment. Each carries the business date it belongs to, so a closed
-- day (日结) refuses it like any other change of that day; each is audited.
create table receipt_links
(
    receipt_id    bigint primary key references receipts (receipt_id),
    assessment_id bigint      not null references fee_assessments (assessment_id),
    business_date date        not null,
    reason        text        not null check (btrim(reason) <> ''),
    linked_by     bigint      not null references operators (operator_id),
    linked_at     timestamptz not null default now()
);
create index receipt_links_assessment_idx on receipt_links (assessment_id);

create table refund_marks
(
    receipt_id    bigint primary key references receipts (receipt_id),
    business_date date        not null,
    reason        text        not null check (btrim(reason) <> ''),
    marked_by     bigint      not null references operators (operator_id),
    marked_at     timestamptz not null default now()
);

create table exception_notes
(
    note_id       bigint generated always as identity primary key,
    -- receipt (by receipt_id) or assessment (by assessment_id)
    kind          text        not null check (kind in ('receipt', 'assessment')),
    ref_id        bigint      not null,
    business_date date        not null,
    note          text        not null check (btrim(note) <> '' and length(note) <= 500),
    noted_by      bigint      not null references operators (operator_id),
    noted_at      timestamptz not null default now()
);
create index exception_notes_ref_idx on exception_notes (kind, ref_id, note_id);

create trigger receipt_links_closed_day
    before insert or update or delete on receipt_links
    for each row execute function refuse_closed_day();
create trigger refund_marks_closed_day
    before insert or update or delete on refund_marks
    for each row execute function refuse_closed_day();
create trigger exception_notes_closed_day
    before insert or update or delete on exception_notes
    for each row execute function refuse_closed_day();
