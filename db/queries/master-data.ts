/** Customers, contracts and devices: reads, and the inserts the demo data and tests use. */
import { COUNTER_KINDS } from '../../shared/models';
import type {
  Contract,
  ContractTerm,
  CounterKind,
  Customer,
  Device,
  DeviceSummary,
  IsoDate,
  Language,
} from '../../shared/models';
import type { Database } from '../database';

/** Lower case without accents, so `comptabilite` finds `COMPTABILITÉ`. */
export function searchable(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}

interface CustomerRow {
  id: number;
  number: string;
  name: string;
  language: Language;
  web_reading: number;
  archived: number;
  emails: string | null;
}

const CUSTOMER_SELECT = `SELECT c.id, c.number, c.name, c.language, c.web_reading, c.archived,
  (SELECT group_concat(email, char(10)) FROM customer_emails e WHERE e.customer_id = c.id) AS emails
  FROM customers c`;

function toCustomer(row: CustomerRow): Customer {
  return {
    id: row.id,
    number: row.number,
    name: row.name,
    language: row.language,
    webReading: row.web_reading === 1,
    archived: row.archived === 1,
    emails: row.emails ? row.emails.split('\n').sort() : [],
  };
}

export function getCustomer(db: Database, id: number): Customer | undefined {
  const row = db.get<CustomerRow>(`${CUSTOMER_SELECT} WHERE c.id = ?`, [id]);
  return row && toCustomer(row);
}

export function countCustomers(db: Database): number {
  return db.get<{ n: number }>('SELECT count(*) AS n FROM customers')?.n ?? 0;
}

interface ContractRow {
  id: number;
  customer_id: number;
  number: string;
  start_date: string;
  end_date: string | null;
  interval_months: Contract['intervalMonths'];
  start_month: number;
}

/** The terms in force on `onDate`: per kind, the latest row whose `valid_from` ≤ that date. */
export function contractTerms(db: Database, contractId: number, onDate: IsoDate): ContractTerm[] {
  return db
    .all<{ kind: CounterKind; free_per_month: number; price_per_page: number }>(
      `SELECT t.kind, t.free_per_month, t.price_per_page FROM contract_terms t
       WHERE t.contract_id = @contractId AND t.valid_from = (
         SELECT max(valid_from) FROM contract_terms u
         WHERE u.contract_id = t.contract_id AND u.kind = t.kind AND u.valid_from <= @onDate)`,
      { contractId, onDate },
    )
    .map((row) => ({
      kind: row.kind,
      freePerMonth: row.free_per_month,
      pricePerPage: row.price_per_page,
    }))
    .sort((a, b) => COUNTER_KINDS.indexOf(a.kind) - COUNTER_KINDS.indexOf(b.kind));
}

export function getContract(db: Database, id: number, termsOn: IsoDate): Contract | undefined {
  const row = db.get<ContractRow>(
    `SELECT id, customer_id, number, start_date, end_date, interval_months, start_month
     FROM contracts WHERE id = ?`,
    [id],
  );
  if (!row) return undefined;
  return {
    id: row.id,
    customerId: row.customer_id,
    number: row.number,
    startDate: row.start_date,
    endDate: row.end_date,
    intervalMonths: row.interval_months,
    startMonth: row.start_month,
    terms: contractTerms(db, row.id, termsOn),
  };
}

interface DeviceRow {
  id: number;
  contract_id: number;
  position: string;
  model: string;
  location: string;
  equipment_id: string;
  serial_number: string;
  install_date: string;
}

const DEVICE_SELECT = `SELECT id, contract_id, position, model, location, equipment_id,
  serial_number, install_date FROM devices`;

function toDevice(db: Database, row: DeviceRow): Device {
  const counters = db
    .all<{ kind: CounterKind; start_value: number; current_value: number | null }>(
      `SELECT dc.kind, dc.start_value,
         (SELECT rc.new_value FROM readings r JOIN reading_counters rc ON rc.reading_id = r.id
          WHERE r.device_id = dc.device_id AND rc.kind = dc.kind
          ORDER BY r.date DESC, r.id DESC LIMIT 1) AS current_value
       FROM device_counters dc WHERE dc.device_id = ?`,
      [row.id],
    )
    .map((counter) => ({
      kind: counter.kind,
      startValue: counter.start_value,
      currentValue: counter.current_value ?? counter.start_value,
    }))
    .sort((a, b) => COUNTER_KINDS.indexOf(a.kind) - COUNTER_KINDS.indexOf(b.kind));
  return {
    id: row.id,
    contractId: row.contract_id,
    position: row.position,
    model: row.model,
    location: row.location,
    equipmentId: row.equipment_id,
    serialNumber: row.serial_number,
    installDate: row.install_date,
    counters,
  };
}

export function getDeviceByEquipmentId(db: Database, equipmentId: string): Device | undefined {
  const row = db.get<DeviceRow>(`${DEVICE_SELECT} WHERE equipment_id = ?`, [equipmentId]);
  return row && toDevice(db, row);
}

export function getDevice(db: Database, id: number): Device | undefined {
  const row = db.get<DeviceRow>(`${DEVICE_SELECT} WHERE id = ?`, [id]);
  return row && toDevice(db, row);
}

export function contractDevices(db: Database, contractId: number): Array<{ id: number; position: string }> {
  return db.all(`SELECT id, position FROM devices WHERE contract_id = ?`, [contractId]);
}

interface SummaryRow {
  device_id: number;
  equipment_id: string;
  serial_number: string;
  model: string;
  position: string;
  location: string;
  customer_number: string;
  customer_name: string;
  contract_number: string;
  last_reading_date: string | null;
}

/**
 * Devices whose customer number or name, serial number, equipment ID, model or location
 * contains every word of `query` (an equipment ID also matches without its dots).
 */
export function searchDevices(
  db: Database,
  query: string,
  limit: number,
): { rows: DeviceSummary[]; total: number } {
  const words = searchable(query).split(/\s+/).filter(Boolean).slice(0, 8);
  const where = words.map((_, i) => `d.search_text LIKE @w${i} ESCAPE '\\'`).join(' AND ') || '1';
  const params: Record<string, string | number> = { limit };
  words.forEach((word, i) => {
    params[`w${i}`] = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  });
  // Dynamic only in the number of words (at most 8), so the statement cache stays small.
  // One scan: the window count gives the number of matches beside the first `limit` rows.
  const rows = db.all<SummaryRow & { total: number }>(
    `SELECT d.id AS device_id, d.equipment_id, d.serial_number, d.model, d.position, d.location,
       cu.number AS customer_number, cu.name AS customer_name, c.number AS contract_number,
       (SELECT max(r.date) FROM readings r WHERE r.device_id = d.id) AS last_reading_date,
       count(*) OVER () AS total
     FROM devices d JOIN contracts c ON c.id = d.contract_id JOIN customers cu ON cu.id = c.customer_id
     WHERE ${where}
     ORDER BY cu.number, d.position, d.id LIMIT @limit`,
    params,
  );
  const total = rows[0]?.total ?? 0;
  return {
    total,
    rows: rows.map((row) => ({
      deviceId: row.device_id,
      equipmentId: row.equipment_id,
      serialNumber: row.serial_number,
      model: row.model,
      position: row.position,
      location: row.location,
      customerNumber: row.customer_number,
      customerName: row.customer_name,
      contractNumber: row.contract_number,
      lastReadingDate: row.last_reading_date,
    })),
  };
}

/** Rebuilds the search text of a device from its own fields and its customer's. */
export function refreshDeviceSearchText(db: Database, deviceId: number): void {
  const row = db.get<Record<string, string>>(
    `SELECT d.equipment_id, d.serial_number, d.model, d.position, d.location,
       cu.number AS customer_number, cu.name AS customer_name, c.number AS contract_number
     FROM devices d JOIN contracts c ON c.id = d.contract_id JOIN customers cu ON cu.id = c.customer_id
     WHERE d.id = ?`,
    [deviceId],
  );
  if (!row) return;
  const text = [
    row.customer_number,
    row.customer_name,
    row.contract_number,
    row.model,
    row.position,
    row.location,
    row.equipment_id,
    row.equipment_id?.replace(/\./g, ''),
    row.serial_number,
  ].join(' | ');
  db.run('UPDATE devices SET search_text = ? WHERE id = ?', [searchable(text), deviceId]);
}

export interface NewCustomer {
  number: string;
  name: string;
  language: Language;
  webReading: boolean;
  emails: string[];
}

export function insertCustomer(db: Database, customer: NewCustomer, now: string): number {
  const { lastInsertRowid: id } = db.run(
    `INSERT INTO customers (number, name, language, web_reading, created_at, updated_at)
     VALUES (@number, @name, @language, @webReading, @now, @now)`,
    { number: customer.number, name: customer.name, language: customer.language, webReading: customer.webReading, now },
  );
  for (const email of customer.emails) {
    db.run('INSERT INTO customer_emails (customer_id, email) VALUES (?, ?)', [id, email]);
  }
  return id;
}

export interface NewContract {
  customerId: number;
  number: string;
  startDate: IsoDate;
  endDate: IsoDate | null;
  intervalMonths: Contract['intervalMonths'];
  startMonth: number;
  terms: ContractTerm[];
}

export function insertContract(db: Database, contract: NewContract, now: string): number {
  const { lastInsertRowid: id } = db.run(
    `INSERT INTO contracts (customer_id, number, start_date, end_date, interval_months, start_month, created_at, updated_at)
     VALUES (@customerId, @number, @startDate, @endDate, @intervalMonths, @startMonth, @now, @now)`,
    {
      customerId: contract.customerId,
      number: contract.number,
      startDate: contract.startDate,
      endDate: contract.endDate,
      intervalMonths: contract.intervalMonths,
      startMonth: contract.startMonth,
      now,
    },
  );
  for (const term of contract.terms) {
    db.run(
      `INSERT INTO contract_terms (contract_id, kind, valid_from, free_per_month, price_per_page)
       VALUES (?, ?, ?, ?, ?)`,
      [id, term.kind, contract.startDate, term.freePerMonth, term.pricePerPage],
    );
  }
  return id;
}

export interface NewDevice {
  contractId: number;
  position: string;
  model: string;
  location: string;
  equipmentId: string;
  serialNumber: string;
  installDate: IsoDate;
  counters: Array<{ kind: CounterKind; startValue: number }>;
}

export function insertDevice(db: Database, device: NewDevice, now: string): number {
  const { lastInsertRowid: id } = db.run(
    `INSERT INTO devices (contract_id, position, model, location, equipment_id, serial_number, install_date, created_at, updated_at)
     VALUES (@contractId, @position, @model, @location, @equipmentId, @serialNumber, @installDate, @now, @now)`,
    {
      contractId: device.contractId,
      position: device.position,
      model: device.model,
      location: device.location,
      equipmentId: device.equipmentId,
      serialNumber: device.serialNumber,
      installDate: device.installDate,
      now,
    },
  );
  for (const counter of device.counters) {
    db.run('INSERT INTO device_counters (device_id, kind, start_value) VALUES (?, ?, ?)', [
      id,
      counter.kind,
      counter.startValue,
    ]);
  }
  refreshDeviceSearchText(db, id);
  return id;
}
