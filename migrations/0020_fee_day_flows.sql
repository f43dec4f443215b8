-- One definition of a business day's expected and received (issue 14.11, docs/reconciliation.md).
-- The reconciliation screen's summary line, its by-department view, the `reconcile` command's
-- summary and its report all sum these rows, so they cannot disagree:
--
--   expected: the day's assessments (business_date = d), not cancelled. An assessment of an
--             earlier day still unpaid is outstanding, but it was expected on its own day.
--   received: the day's receipts (business_date = d), not marked for refund, reversals netted
--             (a reversal is a negative receipt), under the assessment they pay by their own code
--             or by a cashier's link (case_id null: a receipt that pays no live assessment).
--
-- A plain SQL function with a single query: the planner inlines it into the statement that
-- calls it, so a million-receipt day is planned as if the query were written out there.
create function fee_day_flows(d date)
    returns table (case_id bigint, expected_fen bigint, received_fen bigint)
    language sql
    stable
as
$$
with rr as (select r.amount_fen, coalesce(la.payment_code, r.payment_code) as payment_code
            from receipts r
                     left join receipt_links l on l.receipt_id = r.receipt_id
                     left join fee_assessments la on la.assessment_id = l.assessment_id
            where r.business_date = d
              and not exists (select 1 from refund_marks m where m.receipt_id = r.receipt_id))
select a.case_id, a.amount_fen, 0::bigint
from fee_assessments a
where a.business_date = d
  and a.cancelled_at is null
union all
select a.case_id, 0::bigint, rr.amount_fen
from rr
         left join fee_assessments a on a.payment_code = rr.payment_code and a.cancelled_at is null
$$;
