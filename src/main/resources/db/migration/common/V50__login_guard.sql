-- Login throttles and lockouts shared by every node (issue 12.2/12.3). One row per counter:
--   ip:<address>            failed logins of one client address in a one-minute window (then 429)
--   pair:<name>|<address>   failed logins in a row of one user name from one address (then that pair is locked)
--   name:<name>             failed logins in a row of one user name from all addresses (beyond the ceiling every
--                           further attempt waits a growing delay, except from the account's last sign-in address)
-- Names are lower-case and need not belong to an account: made-up names count exactly like real ones.
CREATE TABLE login_guard (
    guard_key    VARCHAR(200) PRIMARY KEY,
    subject      VARCHAR(100),
    window_start TIMESTAMP WITH TIME ZONE NOT NULL,
    failures     INT NOT NULL DEFAULT 0,
    locked_until TIMESTAMP WITH TIME ZONE,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX idx_login_guard_subject ON login_guard (subject);
CREATE INDEX idx_login_guard_updated_at ON login_guard (updated_at);

-- User names are unique regardless of case ("Admin" is "admin"); sign-in looks names up the same way.
-- A database that already holds two names differing only in case stops here: rename one, then start again.
ALTER TABLE admin_user ADD COLUMN username_key VARCHAR(50);
UPDATE admin_user SET username_key = LOWER(username);
ALTER TABLE admin_user ALTER COLUMN username_key SET NOT NULL;
ALTER TABLE admin_user ADD CONSTRAINT uk_admin_user_username_key UNIQUE (username_key);

-- The address of the last successful sign-in: the per-name delay does not apply from there.
ALTER TABLE admin_user ADD COLUMN last_login_ip VARCHAR(64);
