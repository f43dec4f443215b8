-- A person's name holds no digits (ASCII or full-width): an ID number typed into Name was saved as
-- "11010519491231002张小三". The intake form and the store check the same rule first, for the
-- message (domain::cases::validate::person_name). NOT VALID: new and changed rows are held to it;
-- rows saved before are left as they are (a center cleans them up on its own schedule).
alter table cases
    add constraint cases_person_name_no_digits
        check (applicant_kind <> 'person' or applicant_name !~ '[0-9０-９]') not valid;
