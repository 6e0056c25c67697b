-- meterdesk schema 8: the customer's postal address, for the printed statements.
-- * Back-office only: the portal never receives it (it stays anonymous, SPEC §4.8).
ALTER TABLE customers ADD COLUMN address TEXT NOT NULL DEFAULT '';
