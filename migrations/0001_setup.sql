-- Shared helpers used by every later migration.
--
-- Every table carries created_at and updated_at; updated_at is kept by a trigger so that no code path
-- (application, psql session, later batch job) can forget it. Times come from the database clock.

create or replace function set_updated_at() returns trigger
language plpgsql as
$$
begin
    new.updated_at := now();
    return new;
end;
$$;

-- Installs the updated_at trigger on a table: `select manage_updated_at('departments');`
create or replace function manage_updated_at(target regclass) returns void
language plpgsql as
$$
begin
    execute format(
        'create trigger set_updated_at before update on %s for each row execute function set_updated_at()',
        target);
end;
$$;
