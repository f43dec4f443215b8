-- Electronic supervision (电子监察): warning cards and the notifications they send.
--
-- A card is issued once per case and level, however often `onewindow supervise` runs (the
-- unique key); its times are the database's. Acknowledging it needs a comment.
create type card_level as enum ('yellow', 'red');

create table supervision_cards
(
    card_id         bigint generated always as identity primary key,
    case_id         bigint      not null references cases (case_id),
    level           card_level  not null,
    department_id   bigint      not null references departments (department_id),
    -- The case's due date and working days left when the card was issued (negative: late).
    due_date        date        not null,
    days_left       integer     not null,
    issued_at       timestamptz not null default now(),
    acknowledged_at timestamptz,
    acknowledged_by bigint references operators (operator_id),
    ack_comment     text,
    unique (case_id, level),
    check ((acknowledged_at is null) = (acknowledged_by is null)),
    check ((acknowledged_at is null) = (ack_comment is null)),
    check (ack_comment is null or length(btrim(ack_comment)) > 0)
);
create index supervision_cards_department_idx on supervision_cards (department_id, issued_at);
create index supervision_cards_open_idx on supervision_cards (issued_at) where acknowledged_at is null;

-- In-app notifications: one per recipient and card.
create table notifications
(
    notification_id bigint generated always as identity primary key,
    operator_id     bigint      not null references operators (operator_id),
    card_id         bigint      not null references supervision_cards (card_id),
    created_at      timestamptz not null default now(),
    read_at         timestamptz,
    unique (operator_id, card_id)
);
create index notifications_unread_idx on notifications (operator_id, created_at desc)
    where read_at is null;

-- No back-filling (先办后补录): a case's business times are the database's clock at the moment
-- of the change. Setting one to any other time is refused, so a decision cannot be recorded
-- "as of" an earlier day. The demo seeder alone writes history (onewindow.seeding, set locally
-- in its own transaction).
create function refuse_backdated_case_times() returns trigger
    language plpgsql as
$$
begin
    if tg_op = 'INSERT' then
        if current_setting('onewindow.seeding', true) is distinct from 'on'
            and (new.received_at <> now() or new.accepted_at <> now()
                 or new.claimed_at <> now() or new.decided_at <> now()) then
            raise exception 'business times are stamped by the database: a case cannot be registered with a time in the past'
                using errcode = 'check_violation';
        end if;
    elsif (new.accepted_at is distinct from old.accepted_at and new.accepted_at <> now())
        or (new.claimed_at is distinct from old.claimed_at and new.claimed_at <> now())
        or (new.decided_at is distinct from old.decided_at and new.decided_at <> now())
        or new.received_at is distinct from old.received_at then
        raise exception 'business times are stamped by the database: a time in the past cannot be recorded'
            using errcode = 'check_violation';
    end if;
    return new;
end
$$;
create trigger cases_refuse_backdating
    before insert or update on cases
    for each row execute function refuse_backdated_case_times();
