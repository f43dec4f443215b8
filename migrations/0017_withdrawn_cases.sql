-- A routed case the applicant withdrew (撤回) is no longer open: it leaves the queues, and its
-- clock and warning cards stop (they count only accepted cases). docs/routing.md.
alter type case_status add value if not exists 'withdrawn';
