/** Customers, contracts and devices: reads, and the inserts the demo data and tests use. */
import { COUNTER_KINDS } from '../../shared/models';
import type {
  Contract,
  ContractSummary,
  ContractTerm,
  CounterKind,
  Customer,
  CustomerSummary,
  Device,
  DeviceCounter,
  DeviceSummary,
  IsoDate,
  Language,
} from '../../shared/models';
import type { CustomerInput, DeviceInput } from '../../shared/rules/master-data';
import { searchable, type Database } from '../database';

/**
 * `query` as SQL conditions: every word must occur (LIKE, accents and case folded) in the
 * text `column(param)` gives for it. At most 8 words, so the statement cache stays small.
 */
export function wordConditions(
  query: string,
  column: (param: string) => string,
): { conditions: string[]; params: Record<string, string> } {
  const words = searchable(query).split(/\s+/).filter(Boolean).slice(0, 8);
  const params: Record<string, string> = {};
  const conditions = words.map((word, i) => {
    params[`w${i}`] = `%${word.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    return column(`@w${i}`);
  });
  return { conditions, params };
}

interface CustomerRow {
  id: number;
  number: string;
  name: string;
  language: Language;
  web_reading: number;
  archived: number;
  address: string;
  note: string;
  revision: number;
  emails: string | null;
}

const CUSTOMER_SELECT = `SELECT c.id, c.number, c.name, c.language, c.web_reading, c.archived,
  c.address, c.note, c.revision,
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
    address: row.address,
    note: row.note,
    revision: row.revision,
    emails: row.emails ? row.emails.split('\n').sort() : [],
  };
}

export function getCustomer(db: Database, id: number): Customer | undefined {
  const row = db.get<CustomerRow>(`${CUSTOMER_SELECT} WHERE c.id = ?`, [id]);
  return row && toCustomer(row);
}

export function getCustomerByNumber(db: Database, number: string): Customer | undefined {
  const row = db.get<CustomerRow>(`${CUSTOMER_SELECT} WHERE c.number = ?`, [number]);
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
  revision: number;
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
    `SELECT id, customer_id, number, start_date, end_date, interval_months, start_month, revision
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
    revision: row.revision,
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
  out_of_service: string | null;
  revision: number;
}

const DEVICE_SELECT = `SELECT id, contract_id, position, model, location, equipment_id,
  serial_number, install_date, out_of_service, revision FROM devices`;

/** The counters of these devices with their current values, per device id, in one query. */
function countersOfDevices(db: Database, deviceIds: number[]): Map<number, DeviceCounter[]> {
  const byDevice = new Map<number, DeviceCounter[]>();
  const one = deviceIds.length === 1;
  const rows = db.all<{ device_id: number; kind: CounterKind; start_value: number; current_value: number | null }>(
    `SELECT dc.device_id, dc.kind, dc.start_value,
       (SELECT rc.new_value FROM readings r JOIN reading_counters rc ON rc.reading_id = r.id
        WHERE r.device_id = dc.device_id AND rc.kind = dc.kind
        ORDER BY r.date DESC, r.id DESC LIMIT 1) AS current_value
     FROM device_counters dc
     WHERE dc.device_id ${one ? '= ?' : 'IN (SELECT value FROM json_each(?))'}`,
    [one ? deviceIds[0]! : JSON.stringify(deviceIds)],
  );
  for (const row of rows) {
    let counters = byDevice.get(row.device_id);
    if (!counters) byDevice.set(row.device_id, (counters = []));
    counters.push({ kind: row.kind, startValue: row.start_value, currentValue: row.current_value ?? row.start_value });
  }
  for (const counters of byDevice.values()) {
    counters.sort((a, b) => COUNTER_KINDS.indexOf(a.kind) - COUNTER_KINDS.indexOf(b.kind));
  }
  return byDevice;
}

function toDevice(row: DeviceRow, counters: DeviceCounter[]): Device {
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
    outOfService: row.out_of_service,
    revision: row.revision,
  };
}

function toDevices(db: Database, rows: DeviceRow[]): Device[] {
  const counters = countersOfDevices(db, rows.map((row) => row.id));
  return rows.map((row) => toDevice(row, counters.get(row.id) ?? []));
}

export function getDeviceByEquipmentId(db: Database, equipmentId: string): Device | undefined {
  const row = db.get<DeviceRow>(`${DEVICE_SELECT} WHERE equipment_id = ?`, [equipmentId]);
  return row && toDevices(db, [row])[0];
}

/**
 * The devices of these equipment IDs, by equipment ID (those that exist), in two queries
 * however many: the meter import looks up every device of a file at once.
 */
export function getDevicesByEquipmentIds(db: Database, equipmentIds: string[]): Map<string, Device> {
  const rows = db.all<DeviceRow>(`${DEVICE_SELECT} WHERE equipment_id IN (SELECT value FROM json_each(?))`, [
    JSON.stringify(equipmentIds),
  ]);
  return new Map(toDevices(db, rows).map((device) => [device.equipmentId, device]));
}

export function getDevice(db: Database, id: number): Device | undefined {
  const row = db.get<DeviceRow>(`${DEVICE_SELECT} WHERE id = ?`, [id]);
  return row && toDevices(db, [row])[0];
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
const SUMMARY_SELECT = `SELECT d.id AS device_id, d.equipment_id, d.serial_number, d.model, d.position,
    d.location, cu.number AS customer_number, cu.name AS customer_name, c.number AS contract_number,
    (SELECT max(r.date) FROM readings r WHERE r.device_id = d.id) AS last_reading_date,
    count(*) OVER () AS total
  FROM devices d JOIN contracts c ON c.id = d.contract_id JOIN customers cu ON cu.id = c.customer_id`;

function toSummaries(rows: Array<SummaryRow & { total: number }>): {
  rows: DeviceSummary[];
  total: number;
} {
  return {
    total: rows[0]?.total ?? 0,
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

export function searchDevices(
  db: Database,
  query: string,
  limit: number,
): { rows: DeviceSummary[]; total: number } {
  const match = wordConditions(query, (word) => `d.search_text LIKE ${word} ESCAPE '\\'`);
  const where = match.conditions.join(' AND ') || '1';
  // One scan: the window count gives the number of matches beside the first `limit` rows.
  return toSummaries(
    db.all(`${SUMMARY_SELECT} WHERE ${where} ORDER BY cu.number, d.position, d.id LIMIT @limit`, {
      ...match.params,
      limit,
    }),
  );
}

/** The devices of one customer or one contract, by position. */
export function devicesOf(
  db: Database,
  owner: { customerId: number } | { contractId: number },
): DeviceSummary[] {
  const [column, id] =
    'customerId' in owner
      ? ['c.customer_id', owner.customerId]
      : ['d.contract_id', owner.contractId];
  return toSummaries(
    db.all(`${SUMMARY_SELECT} WHERE ${column} = ? ORDER BY c.number, d.position, d.id`, [id]),
  ).rows;
}

/** What the search text of a device is made of: its own fields and its customer's. */
export interface DeviceSearchFields {
  customerNumber: string;
  customerName: string;
  contractNumber: string;
  model: string;
  position: string;
  location: string;
  equipmentId: string;
  serialNumber: string;
}

/** The `Suche` text of a device: every word a clerk may type, accents and case folded. */
export function deviceSearchText(fields: DeviceSearchFields): string {
  return searchable(
    [
      fields.customerNumber,
      fields.customerName,
      fields.contractNumber,
      fields.model,
      fields.position,
      fields.location,
      fields.equipmentId,
      fields.equipmentId.replace(/\./g, ''),
      fields.serialNumber,
    ].join(' | '),
  );
}

/** Rebuilds the search text of a device from its own fields and its customer's. */
export function refreshDeviceSearchText(db: Database, deviceId: number): void {
  const row = db.get<DeviceSearchFields>(
    `SELECT d.equipment_id AS equipmentId, d.serial_number AS serialNumber, d.model, d.position, d.location,
       cu.number AS customerNumber, cu.name AS customerName, c.number AS contractNumber
     FROM devices d JOIN contracts c ON c.id = d.contract_id JOIN customers cu ON cu.id = c.customer_id
     WHERE d.id = ?`,
    [deviceId],
  );
  if (!row) return;
  db.run('UPDATE devices SET search_text = ? WHERE id = ?', [deviceSearchText(row), deviceId]);
}

export type NewCustomer = Omit<CustomerInput, 'note' | 'address'> & { note?: string; address?: string };

/** The customer's columns as statement parameters (its e-mails go to their own table). */
function customerParams(customer: NewCustomer, now: string) {
  return {
    number: customer.number,
    name: customer.name,
    language: customer.language,
    webReading: customer.webReading,
    address: customer.address ?? '',
    note: customer.note ?? '',
    now,
  };
}

function setEmails(db: Database, customerId: number, emails: string[]): void {
  db.run('DELETE FROM customer_emails WHERE customer_id = ?', [customerId]);
  for (const email of emails) {
    db.run('INSERT INTO customer_emails (customer_id, email) VALUES (?, ?)', [customerId, email]);
  }
}

/**
 * The id a new record of `table` gets: past every id its change log names, so that one deleted
 * (entered by mistake) is never given again — its change log would become the new record's,
 * and the portal, which names devices by id, could bring a value to the wrong device.
 */
function nextId(table: 'customers' | 'contracts' | 'devices', entity: 'customer' | 'contract' | 'device'): string {
  return `(SELECT max(coalesce((SELECT max(id) FROM ${table}), 0), coalesce((SELECT max(entity_id) FROM audit_log WHERE entity = '${entity}'), 0)) + 1)`;
}

export function insertCustomer(db: Database, customer: NewCustomer, now: string): number {
  const { lastInsertRowid: id } = db.run(
    `INSERT INTO customers (id, number, name, language, web_reading, address, note, created_at, updated_at)
     VALUES (${nextId('customers', 'customer')}, @number, @name, @language, @webReading, @address, @note, @now, @now)`,
    customerParams(customer, now),
  );
  setEmails(db, id, customer.emails);
  return id;
}

export function updateCustomer(db: Database, id: number, customer: NewCustomer, now: string): void {
  db.run(
    `UPDATE customers SET number = @number, name = @name, language = @language,
       web_reading = @webReading, address = @address, note = @note, revision = revision + 1, updated_at = @now
     WHERE id = @id`,
    { ...customerParams(customer, now), id },
  );
  setEmails(db, id, customer.emails);
  for (const { id: deviceId } of db.all<{ id: number }>(
    'SELECT d.id FROM devices d JOIN contracts c ON c.id = d.contract_id WHERE c.customer_id = ?',
    [id],
  )) {
    refreshDeviceSearchText(db, deviceId);
  }
}

export function setCustomerArchived(
  db: Database,
  id: number,
  archived: boolean,
  now: string,
): void {
  db.run(
    'UPDATE customers SET archived = ?, revision = revision + 1, updated_at = ? WHERE id = ?',
    [Number(archived), now, id],
  );
}

export function customerHasReadings(db: Database, id: number): boolean {
  return (
    db.get(
      `SELECT 1 FROM readings r JOIN devices d ON d.id = r.device_id JOIN contracts c ON c.id = d.contract_id
       WHERE c.customer_id = ? LIMIT 1`,
      [id],
    ) !== undefined
  );
}

/** Removes a customer with its contracts and devices; the caller has made sure no reading exists. */
export function deleteCustomer(db: Database, id: number): void {
  db.run(
    `DELETE FROM devices WHERE contract_id IN (SELECT id FROM contracts WHERE customer_id = ?)`,
    [id],
  );
  db.run('DELETE FROM contracts WHERE customer_id = ?', [id]);
  db.run('DELETE FROM customers WHERE id = ?', [id]);
}

export function searchCustomers(
  db: Database,
  query: string,
  includeArchived: boolean,
  limit: number,
): { rows: CustomerSummary[]; total: number } {
  const match = wordConditions(
    query,
    (word) => `(c.number LIKE ${word} ESCAPE '\\' OR searchable(c.name) LIKE ${word} ESCAPE '\\')`,
  );
  const conditions = includeArchived ? match.conditions : [...match.conditions, 'c.archived = 0'];
  const params = { ...match.params, limit };
  const rows = db.all<{
    id: number;
    number: string;
    name: string;
    language: Language;
    web_reading: number;
    archived: number;
    contracts: number;
    devices: number;
    total: number;
  }>(
    `SELECT c.id, c.number, c.name, c.language, c.web_reading, c.archived,
       (SELECT count(*) FROM contracts k WHERE k.customer_id = c.id) AS contracts,
       (SELECT count(*) FROM devices d JOIN contracts k ON k.id = d.contract_id WHERE k.customer_id = c.id) AS devices,
       count(*) OVER () AS total
     FROM customers c WHERE ${conditions.join(' AND ') || '1'}
     ORDER BY c.number LIMIT @limit`,
    params,
  );
  return {
    total: rows[0]?.total ?? 0,
    rows: rows.map((row) => ({
      id: row.id,
      number: row.number,
      name: row.name,
      language: row.language,
      webReading: row.web_reading === 1,
      archived: row.archived === 1,
      contracts: row.contracts,
      devices: row.devices,
    })),
  };
}

export function contractsOfCustomer(db: Database, customerId: number): ContractSummary[] {
  return db
    .all<ContractRow & { devices: number }>(
      `SELECT c.id, c.customer_id, c.number, c.start_date, c.end_date, c.interval_months, c.start_month,
         (SELECT count(*) FROM devices d WHERE d.contract_id = c.id) AS devices
       FROM contracts c WHERE c.customer_id = ? ORDER BY c.number`,
      [customerId],
    )
    .map((row) => ({
      id: row.id,
      number: row.number,
      startDate: row.start_date,
      endDate: row.end_date,
      intervalMonths: row.interval_months,
      startMonth: row.start_month,
      devices: row.devices,
    }));
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
    `INSERT INTO contracts (id, customer_id, number, start_date, end_date, interval_months, start_month, created_at, updated_at)
     VALUES (${nextId('contracts', 'contract')}, @customerId, @number, @startDate, @endDate, @intervalMonths, @startMonth, @now, @now)`,
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

export type NewDevice = DeviceInput & { contractId: number };

export function insertDevice(db: Database, device: NewDevice, now: string): number {
  const { lastInsertRowid: id } = db.run(
    `INSERT INTO devices (id, contract_id, position, model, location, equipment_id, serial_number, install_date, created_at, updated_at)
     VALUES (${nextId('devices', 'device')}, @contractId, @position, @model, @location, @equipmentId, @serialNumber, @installDate, @now, @now)`,
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
  db.run('INSERT INTO device_contracts (device_id, valid_from, contract_id) VALUES (?, ?, ?)', [
    id,
    device.installDate,
    device.contractId,
  ]);
  refreshDeviceSearchText(db, id);
  return id;
}
