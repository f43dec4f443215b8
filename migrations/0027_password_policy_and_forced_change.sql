-- Passwords (issue 15.5, second part): the center's password rules are data on the server, and
-- an account an administrator created or reset must change its password at the next sign-in.

-- The password policy's numbers, in the one row every sign-in already reads (migration 0024).
-- The rest of the policy is fixed in code (src/domain/accounts/password_policy.rs): not the
-- operator code, not in the shipped list of common passwords, at most 128 characters.
alter table sign_in_policy
    -- A new password has at least this many characters (characters, not bytes)…
    -- 10 by default: NIST SP 800-63B asks at least 8 with a check against common passwords (which
    -- the policy does), OWASP ASVS 4.0 (2.1.1) asks 12; a center that wants 12 sets it.
    add column password_min_length integer not null default 10
        check (password_min_length between 8 and 64),
    -- … or is a passphrase of at least this many different words of two or more characters,
    -- separated by spaces (so a long phrase passes even when min_length is set high).
    add column passphrase_min_words integer not null default 4
        check (passphrase_min_words between 3 and 10);

-- Set when an administrator creates the account or resets its password: after the right
-- password, the operator may do nothing but choose a new one (the sign-in answers
-- "must change"; every permission check refuses meanwhile). Cleared by their own change.
alter table operators
    add column must_change_password boolean not null default false;
