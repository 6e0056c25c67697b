-- meterdesk schema 5: readings from everywhere (issue 5).
-- * Estimated readings: source 'estimate'. The next real reading continues the chain from the
--   estimate, so it trues it up: its usage may be negative (a credit) when the estimate was
--   too high. The rules keep a real value from going below the last *real* one.
-- * Meter exchange: a counter replaced or reset within a reading's period. The reading keeps
--   the old counter's final value and the new counter's start value; its usage is
--   (final − old) + (new − start) − extra free copies, never negative.
-- * Billing lines may carry such a credit (billable below zero).
-- SQLite cannot change a CHECK in place: the three tables are rebuilt (the migrator runs this
-- with foreign keys off and checks them before it commits).

CREATE TABLE readings_new (
  id INTEGER PRIMARY KEY,
  device_id INTEGER NOT NULL REFERENCES devices (id),
  date TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT '01' CHECK (status IN ('01', '11', '21')),
  valid_from TEXT NOT NULL,
  valid_to TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('manual', 'web', 'import', 'estimate')),
  author TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  flagged INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1)),
  confirmed_by TEXT,
  revision INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK (valid_from <= valid_to)
) STRICT;
INSERT INTO readings_new (id, device_id, date, status, valid_from, valid_to, source, author, note,
                          flagged, confirmed_by, revision, created_at, updated_at)
  SELECT id, device_id, date, status, valid_from, valid_to, source, author, note,
         flagged, confirmed_by, revision, created_at, updated_at FROM readings;

CREATE TABLE reading_counters_new (
  reading_id INTEGER NOT NULL REFERENCES readings (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('black', 'scan', 'color', 'free1', 'free2')),
  old_value INTEGER NOT NULL CHECK (old_value >= 0),
  new_value INTEGER NOT NULL CHECK (new_value >= 0),
  -- Meter exchange: both or neither.
  final_value INTEGER,
  start_value INTEGER,
  extra_free INTEGER NOT NULL DEFAULT 0 CHECK (extra_free >= 0),
  usage INTEGER GENERATED ALWAYS AS (
    CASE WHEN final_value IS NULL THEN new_value - old_value
         ELSE final_value - old_value + new_value - start_value END - extra_free) STORED,
  CHECK ((final_value IS NULL) = (start_value IS NULL)),
  CHECK (final_value IS NULL OR (final_value >= old_value AND start_value >= 0 AND new_value >= start_value)),
  -- Extra free copies come out of a positive usage only.
  CHECK (extra_free = 0 OR usage >= 0),
  PRIMARY KEY (reading_id, kind)
) STRICT, WITHOUT ROWID;
INSERT INTO reading_counters_new (reading_id, kind, old_value, new_value, extra_free)
  SELECT reading_id, kind, old_value, new_value, extra_free FROM reading_counters;

DROP TABLE reading_counters;
DROP TABLE readings;
ALTER TABLE readings_new RENAME TO readings;
ALTER TABLE reading_counters_new RENAME TO reading_counters;
CREATE INDEX readings_by_device ON readings (device_id, date, id);
CREATE INDEX readings_by_status ON readings (status, valid_to);
CREATE INDEX readings_unposted ON readings (device_id, date) WHERE status <> '21';
-- The period overview and the billing find a period's readings by the end of their validity.
CREATE INDEX readings_by_valid_to ON readings (valid_to);

CREATE TABLE billing_lines_new (
  run_id INTEGER NOT NULL,
  contract_id INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('black', 'scan', 'color', 'free1', 'free2')),
  usage INTEGER NOT NULL,
  free_copies INTEGER NOT NULL CHECK (free_copies >= 0),
  -- Below zero only as the credit of a true-up (usage below zero).
  billable INTEGER NOT NULL CHECK (billable >= 0 OR billable = usage),
  price_per_page INTEGER NOT NULL CHECK (price_per_page >= 0),
  amount INTEGER NOT NULL CHECK (amount = billable * price_per_page),
  PRIMARY KEY (run_id, contract_id, kind),
  FOREIGN KEY (run_id, contract_id) REFERENCES billing_contracts (run_id, contract_id)
) STRICT, WITHOUT ROWID;
INSERT INTO billing_lines_new SELECT * FROM billing_lines;
DROP TABLE billing_lines;
ALTER TABLE billing_lines_new RENAME TO billing_lines;
