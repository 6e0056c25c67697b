-- meterdesk schema 2: master data kept by the office (issue 7).
-- Revisions for optimistic concurrency on customers, contracts and devices; a device's
-- contract history (a device moves to another contract from a date on, keeping its readings);
-- the date a device left service; saved column mappings of master-data imports.

ALTER TABLE customers ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contracts ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
ALTER TABLE devices ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
ALTER TABLE devices ADD COLUMN out_of_service TEXT;

-- Which contract a device belonged to from which day on; devices.contract_id is the latest.
CREATE TABLE device_contracts (
  device_id INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  valid_from TEXT NOT NULL,
  contract_id INTEGER NOT NULL REFERENCES contracts (id),
  PRIMARY KEY (device_id, valid_from)
) STRICT, WITHOUT ROWID;
CREATE INDEX device_contracts_by_contract ON device_contracts (contract_id);

INSERT INTO device_contracts (device_id, valid_from, contract_id)
  SELECT id, install_date, contract_id FROM devices;

-- How the columns of a dealer's export map onto ours, per source system and kind of record.
CREATE TABLE import_mappings (
  source TEXT NOT NULL CHECK (length(source) > 0),
  kind TEXT NOT NULL,
  mapping TEXT NOT NULL CHECK (json_valid(mapping)),
  updated_at TEXT NOT NULL,
  PRIMARY KEY (source, kind)
) STRICT, WITHOUT ROWID;
