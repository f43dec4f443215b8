-- Administrators change items (`onewindow catalog put`). A material dropped from an item's list
-- may be recorded on past cases (case_materials), so it is retired, not deleted: it stays for
-- those cases and no longer appears on the item's checklist.
alter table item_materials
    add column retired_at timestamptz;

-- Positions are unique among the current materials of an item (retired ones keep theirs).
alter table item_materials
    drop constraint item_materials_item_id_position_key;
create unique index item_materials_position_idx on item_materials (item_id, position)
    where retired_at is null;
