-- Registrations (报名) for a section (issue 17.6; docs/trading.md "Registrations"). Who
-- registered, and how many, is sealed until the opening (招标投标法 22): the store answers a
-- list or a count only after the section's opening time, or to a supervisor who gives a reason
-- (audited, in the access log).

-- A party (投标人/竞买人): a company by its unified social credit code, with the basic account
-- (基本账户) its deposit must come from on construction projects (条例 26).
create table trade_parties
(
    party_id      bigint generated always as identity primary key,
    credit_code   text        not null unique check (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'),
    name          text        not null check (length(name) between 1 and 100),
    basic_bank    text        not null check (length(basic_bank) between 1 and 100),
    basic_account text        not null check (basic_account ~ '^[0-9]{6,32}$'),
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);

create table trade_registrations
(
    registration_id bigint generated always as identity primary key,
    section_id      bigint      not null references trade_sections (section_id),
    party_id        bigint      not null references trade_parties (party_id),
    contact_name    text        not null check (length(contact_name) between 1 and 40),
    contact_phone   text        not null check (contact_phone ~ '^[0-9+-]{7,20}$'),
    contact_email   text check (contact_email ~ '^[^@\s]+@[^@\s]+$'),
    agent_name      text check (length(agent_name) between 1 and 100),
    project_manager text check (length(project_manager) between 1 and 40),
    -- The database's clock, never the client's: registrations seconds apart are a signal.
    registered_at   timestamptz not null default now(),
    registered_by   bigint      not null references operators (operator_id),
    unique (section_id, party_id)
);
