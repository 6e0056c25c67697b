-- meterdesk schema 6: request e-mails taken for sending (issue 6).
-- * claimed_until: while it is set and not past, one sender has taken the e-mail and is
--   sending it; another (`send-requests` beside the app) leaves it alone. Cleared when the
--   outcome is written; an e-mail whose sender died is taken again once the time has passed.
ALTER TABLE mail_outbox ADD COLUMN claimed_until TEXT;
