-- meterdesk schema 1: customers, contracts, devices, readings and the audit trail (SPEC §2).
-- Dates are TEXT 'YYYY-MM-DD' (the dealer's calendar days), timestamps TEXT ISO-8601 UTC,
-- counters INTEGER, money INTEGER micro-francs (CHF 0.0085 = 8500): never a binary float.

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  number TEXT NOT NULL UNIQUE CHECK (length(number) BETWEEN 1 AND 20 AND number NOT GLOB '*[^0-9]*'),
  name TEXT NOT NULL CHECK (length(trim(name)) > 0),
  language TEXT NOT NULL CHECK (language IN ('de', 'fr', 'en')),
  web_reading INTEGER NOT NULL DEFAULT 0 CHECK (web_reading IN (0, 1)),
  note TEXT NOT NULL DEFAULT '',
  archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

-- The addresses the reading requests go to (SPEC §2: "e-mail address(es)").
CREATE TABLE customer_emails (
  customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  email TEXT NOT NULL CHECK (email LIKE '%_@_%'),
  PRIMARY KEY (customer_id, email)
) STRICT, WITHOUT ROWID;

CREATE TABLE contracts (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers (id),
  number TEXT NOT NULL UNIQUE CHECK (length(number) > 0),
  start_date TEXT NOT NULL,
  end_date TEXT CHECK (end_date IS NULL OR end_date >= start_date),
  interval_months INTEGER NOT NULL CHECK (interval_months IN (1, 3, 6, 12)),
  start_month INTEGER NOT NULL CHECK (start_month BETWEEN 1 AND 12),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX contracts_by_customer ON contracts (customer_id);

-- Free copies per month and price per page per counter kind, from a date on: a price change
-- adds a row, so readings already billed keep the terms they were billed with.
CREATE TABLE contract_terms (
  contract_id INTEGER NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('black', 'scan', 'color', 'free1', 'free2')),
  valid_from TEXT NOT NULL,
  free_per_month INTEGER NOT NULL CHECK (free_per_month >= 0),
  price_per_page INTEGER NOT NULL CHECK (price_per_page >= 0),
  PRIMARY KEY (contract_id, kind, valid_from)
) STRICT, WITHOUT ROWID;

CREATE TABLE devices (
  id INTEGER PRIMARY KEY,
  contract_id INTEGER NOT NULL REFERENCES contracts (id),
  position TEXT NOT NULL CHECK (length(position) > 0),
  model TEXT NOT NULL,
  location TEXT NOT NULL DEFAULT '',
  equipment_id TEXT NOT NULL UNIQUE CHECK (length(equipment_id) > 0),
  serial_number TEXT NOT NULL,
  install_date TEXT NOT NULL,
  -- Lower-case, accent-free text of the device and its customer, for the `Suche` field.
  search_text TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX devices_by_contract ON devices (contract_id, position);
CREATE INDEX devices_by_serial ON devices (serial_number);

-- The counter kinds a device has, with *Zählerstand Akt* at installation.
CREATE TABLE device_counters (
  device_id INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('black', 'scan', 'color', 'free1', 'free2')),
  start_value INTEGER NOT NULL CHECK (start_value >= 0),
  PRIMARY KEY (device_id, kind)
) STRICT, WITHOUT ROWID;

CREATE TABLE readings (
  id INTEGER PRIMARY KEY,
  device_id INTEGER NOT NULL REFERENCES devices (id),
  date TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT '01' CHECK (status IN ('01', '11', '21')),
  valid_from TEXT NOT NULL,
  valid_to TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('manual', 'web', 'import')),
  author TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  flagged INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1)),
  confirmed_by TEXT,
  revision INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK (valid_from <= valid_to)
) STRICT;
-- The chain of a device (its history, the previous and next reading) and the period views.
CREATE INDEX readings_by_device ON readings (device_id, date, id);
CREATE INDEX readings_by_status ON readings (status, valid_to);
-- The few readings not yet posted, per device: the first-device validity lock asks for them
-- on every new reading, and a large dealer has millions of posted ones.
CREATE INDEX readings_unposted ON readings (device_id, date) WHERE status <> '21';

CREATE TABLE reading_counters (
  reading_id INTEGER NOT NULL REFERENCES readings (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('black', 'scan', 'color', 'free1', 'free2')),
  old_value INTEGER NOT NULL CHECK (old_value >= 0),
  new_value INTEGER NOT NULL CHECK (new_value >= old_value),
  extra_free INTEGER NOT NULL DEFAULT 0 CHECK (extra_free >= 0 AND extra_free <= new_value - old_value),
  usage INTEGER GENERATED ALWAYS AS (new_value - old_value - extra_free) STORED,
  PRIMARY KEY (reading_id, kind)
) STRICT, WITHOUT ROWID;

-- Every change, who and when, old → new per field (JSON {"field": [old, new]}).
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  author TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id INTEGER NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete')),
  changes TEXT NOT NULL CHECK (json_valid(changes))
) STRICT;
CREATE INDEX audit_by_entity ON audit_log (entity, entity_id, id);
