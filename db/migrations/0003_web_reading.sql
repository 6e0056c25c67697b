-- meterdesk schema 3: web reading (SPEC §4–5) — the personal links, the request e-mails and
-- what the portal's customers entered.

-- One personal link per customer and period; the raw token leaves only in the e-mail.
CREATE TABLE web_links (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers (id),
  period TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
  token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
  valid_until TEXT NOT NULL,
  created_at TEXT NOT NULL,
  -- Set when a new link for the same period replaced it (an explicit resend): closed.
  replaced_at TEXT
) STRICT;
CREATE UNIQUE INDEX web_links_current ON web_links (customer_id, period) WHERE replaced_at IS NULL;
CREATE INDEX web_links_by_validity ON web_links (valid_until);

-- The request e-mails: the log of what was sent when, and the queue of what is still to go.
-- `token` holds the raw link token only until the e-mail is sent (or given up), then NULL.
CREATE TABLE mail_outbox (
  id INTEGER PRIMARY KEY,
  link_id INTEGER NOT NULL REFERENCES web_links (id),
  recipients TEXT NOT NULL CHECK (json_valid(recipients)),
  token TEXT,
  status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'cancelled')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  next_attempt_at TEXT NOT NULL,
  sent_at TEXT,
  message_id TEXT,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE status = 'pending';

-- What came from the portal, once per link and device (`portal_key`): the reading it became,
-- or kept aside for a clerk's decision (a reading already recorded in the period, values
-- missing, a value the chain refuses).
CREATE TABLE web_submissions (
  id INTEGER PRIMARY KEY,
  portal_key TEXT NOT NULL UNIQUE,
  link_id INTEGER NOT NULL REFERENCES web_links (id),
  device_id INTEGER NOT NULL REFERENCES devices (id),
  entered_on TEXT NOT NULL,
  flagged INTEGER NOT NULL CHECK (flagged IN (0, 1)),
  -- JSON [{kind, value, enteredOn, flagged}]
  counter_values TEXT NOT NULL CHECK (json_valid(counter_values)),
  state TEXT NOT NULL CHECK (state IN ('applied', 'held', 'discarded')),
  reason TEXT,
  reading_id INTEGER REFERENCES readings (id) ON DELETE SET NULL,
  received_at TEXT NOT NULL,
  decided_by TEXT,
  decided_at TEXT
) STRICT;
CREATE INDEX web_submissions_by_state ON web_submissions (state, flagged);

-- Each synchronisation with the portal, for the UI's "last synchronised" and the catch-up.
CREATE TABLE sync_runs (
  id INTEGER PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  published INTEGER NOT NULL DEFAULT 0,
  collected INTEGER NOT NULL DEFAULT 0,
  applied INTEGER NOT NULL DEFAULT 0,
  held INTEGER NOT NULL DEFAULT 0,
  error TEXT
) STRICT;
