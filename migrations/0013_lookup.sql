-- Quick lookup (issue 7): a case from whatever the citizen says — the case number or its tail,
-- a name or part of it (Chinese or Latin, two characters are enough), the ID number or its last
-- characters, the phone or its tail. Every kind is index-backed:
--   tails:     btree on the reversed text (text_pattern_ops), so `reverse(x) like 'tsil%'`
--              is a range scan;
--   fragments: a GIN index on the name's character pairs (bigrams); a two-character Chinese
--              fragment is one pair, so even the shortest query uses the index (trigrams need
--              three characters).
create function name_bigrams(t text) returns text[]
    language sql
    immutable
    parallel safe
as
$$
select coalesce(array_agg(distinct substr(lower(t), i, 2)), '{}')
from generate_series(1, length(t) - 1) as i
$$;

alter table cases
    add column applicant_name_bigrams text[] generated always as (name_bigrams(applicant_name)) stored;

create index cases_lookup_name_idx on cases using gin (applicant_name_bigrams);
create index cases_lookup_case_no_idx on cases (reverse(case_no) text_pattern_ops);
create index cases_lookup_id_no_idx on cases (reverse(applicant_id_no) text_pattern_ops);
create index cases_lookup_phone_idx on cases (reverse(applicant_phone) text_pattern_ops);

-- The access log (who read which applicant's personal data, and why) is the audit trail's
-- `personal.reveal` rows; supervisors browse it newest first.
create index audit_log_reveal_idx on audit_log (audit_id desc) where action = 'personal.reveal';
