-- Who may claim and decide a review branch (issue 14.10), held by the database as well as the
-- store: an active reviewer or chief representative of the branch's own department. Window clerks
-- do the window steps (supplements, delivery), never a department's review. The store checks
-- first, for the message; this trigger keeps the rule for any other writer. Only a changed
-- claimant or decider is checked, so history written before a role change stays valid.
create function case_branch_may_decide(who bigint, department bigint) returns boolean
    language sql
    stable
    set search_path = pg_catalog, public
as
$$
select exists (select 1
               from public.operators o
               where o.operator_id = who
                 and o.active
                 and o.department_id = department
                 and o.roles && array ['reviewer', 'chief_rep']::text[])
$$;

create function case_branches_decider() returns trigger
    language plpgsql
    set search_path = pg_catalog, public
as
$$
begin
    if new.claimed_by is not null
        and (tg_op = 'INSERT' or new.claimed_by is distinct from old.claimed_by)
        and not public.case_branch_may_decide(new.claimed_by, new.department_id) then
        raise exception 'operator % may not claim a review branch of department %',
            new.claimed_by, new.department_id
            using errcode = '42501', constraint = 'case_branches_decider';
    end if;
    if new.decided_by is not null
        and (tg_op = 'INSERT' or new.decided_by is distinct from old.decided_by)
        and not public.case_branch_may_decide(new.decided_by, new.department_id) then
        raise exception 'operator % may not decide a review branch of department %',
            new.decided_by, new.department_id
            using errcode = '42501', constraint = 'case_branches_decider';
    end if;
    return new;
end
$$;

create trigger case_branches_decider
    before insert or update of claimed_by, decided_by
    on case_branches
    for each row
execute function case_branches_decider();
