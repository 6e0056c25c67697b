-- meterdesk schema 4: the print billing (Druckabrechnung). A run bills the recorded (01)
-- readings of a period, which become billed (11); posting makes them final (21); a run not
-- yet posted can be cancelled (its readings go back to 01). A reading is in at most one live
-- run: billing_readings.reading_id is its primary key, and a cancellation removes the rows.

CREATE TABLE billing_runs (
  id INTEGER PRIMARY KEY,
  period TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
  state TEXT NOT NULL CHECK (state IN ('billed', 'posted', 'cancelled')),
  -- Sum of the contracts' totals rounded to CHF 0.05, in micro-francs.
  total INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  posted_at TEXT,
  posted_by TEXT,
  cancelled_at TEXT,
  cancelled_by TEXT
) STRICT;
CREATE INDEX billing_runs_by_period ON billing_runs (period);

CREATE TABLE billing_contracts (
  run_id INTEGER NOT NULL REFERENCES billing_runs (id),
  contract_id INTEGER NOT NULL REFERENCES contracts (id),
  valid_from TEXT NOT NULL,
  valid_to TEXT NOT NULL,
  total INTEGER NOT NULL,
  total_rounded INTEGER NOT NULL CHECK (total_rounded % 50000 = 0),
  PRIMARY KEY (run_id, contract_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE billing_lines (
  run_id INTEGER NOT NULL,
  contract_id INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('black', 'scan', 'color', 'free1', 'free2')),
  usage INTEGER NOT NULL,
  free_copies INTEGER NOT NULL CHECK (free_copies >= 0),
  billable INTEGER NOT NULL CHECK (billable >= 0),
  price_per_page INTEGER NOT NULL CHECK (price_per_page >= 0),
  amount INTEGER NOT NULL CHECK (amount = billable * price_per_page),
  PRIMARY KEY (run_id, contract_id, kind),
  FOREIGN KEY (run_id, contract_id) REFERENCES billing_contracts (run_id, contract_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE billing_readings (
  reading_id INTEGER PRIMARY KEY REFERENCES readings (id),
  run_id INTEGER NOT NULL REFERENCES billing_runs (id),
  contract_id INTEGER NOT NULL
) STRICT;
CREATE INDEX billing_readings_by_run ON billing_readings (run_id);
