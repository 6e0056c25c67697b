-- The customer portal's own database (SPEC §4.8): anonymous by design. It holds the customer
-- number, the devices (model, position, location text, ID, NS), counters, the values the
-- customers enter and the hashes of link and session tokens — no names, no addresses, no
-- e-mail addresses. Everything in it is published by the back-office and can be re-published.

CREATE TABLE portal_config (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

-- One personal link per customer and period; only the SHA-256 of its token is kept.
CREATE TABLE links (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
  customer_number TEXT NOT NULL CHECK (customer_number NOT GLOB '*[^0-9]*'),
  period TEXT NOT NULL,
  language TEXT NOT NULL CHECK (language IN ('de', 'fr', 'en')),
  -- The last day (inclusive) the link works, on the dealer's calendar in time_zone.
  valid_until TEXT NOT NULL,
  time_zone TEXT NOT NULL,
  -- The plausibility rule of the back-office, JSON {factor, marginPages, windowMonths}.
  rule TEXT NOT NULL CHECK (json_valid(rule)),
  closed INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1)),
  published_at TEXT NOT NULL
) STRICT;
CREATE INDEX links_by_customer ON links (customer_number, period);

CREATE TABLE devices (
  id INTEGER PRIMARY KEY,
  link_id INTEGER NOT NULL REFERENCES links (id) ON DELETE CASCADE,
  -- The back-office's id of the device: how collected values find their way back.
  device_ref INTEGER NOT NULL,
  sort INTEGER NOT NULL,
  model TEXT NOT NULL,
  position TEXT NOT NULL,
  location TEXT NOT NULL,
  equipment_id TEXT NOT NULL,
  serial_number TEXT NOT NULL,
  UNIQUE (link_id, device_ref)
) STRICT;

CREATE TABLE counters (
  id INTEGER PRIMARY KEY,
  device_id INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('black', 'scan', 'color', 'free1', 'free2')),
  sort INTEGER NOT NULL,
  last_date TEXT,
  last_value INTEGER NOT NULL CHECK (last_value >= 0),
  average_daily REAL,
  UNIQUE (device_id, kind)
) STRICT;

-- What the customer entered, one value per counter. `transferred_at`: the back-office has
-- collected it, it is shown locked; `acknowledged_at`: the back-office has stored it.
CREATE TABLE entries (
  counter_id INTEGER PRIMARY KEY REFERENCES counters (id) ON DELETE CASCADE,
  value INTEGER NOT NULL CHECK (value >= 0),
  entered_on TEXT NOT NULL,
  entered_at TEXT NOT NULL,
  flagged INTEGER NOT NULL CHECK (flagged IN (0, 1)),
  changes INTEGER NOT NULL DEFAULT 0,
  transferred_at TEXT,
  acknowledged_at TEXT
) STRICT;

-- A visit opened by a link: the cookie holds a random id, the table its SHA-256.
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  link_id INTEGER NOT NULL REFERENCES links (id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;
