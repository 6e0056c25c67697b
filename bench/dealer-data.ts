/**
 * A dealer's master data and reading history written straight into a fresh back-office
 * database, for the benchmarks that need a shape of their own (web reading, the UI's 100,000
 * rows) rather than the shared dealer-scale database. Raw SQL as bench/scale.ts does: going
 * through the core API would take minutes for 100,000 devices and is not what is measured.
 */
import type { Database } from '../db/database';
import { addDays, addMonths, endOfMonth, startOfMonth } from '../shared/dates';
import type { IsoDate } from '../shared/models';

export interface DealerShape {
  devices: number;
  devicesPerCustomer: number;
  /** Every device counts Schwarz and Farbe (two counter values per reading), else every other. */
  allColour: boolean;
  /** Posted monthly readings per device, the last one ending the month before `today`'s. */
  months: number;
  /** Customers with web reading on (and an e-mail address), so they get links. */
  webReading: boolean;
  /** Every n-th device already has a recorded reading in `today`'s month (0: none). */
  recordedEvery: number;
  today: IsoDate;
}

const SOURCES = ['manual', 'web', 'import'] as const;

export function equipmentIdOf(device: number): string {
  return `5.${String(Math.floor(device / 1000)).padStart(3, '0')}.${String(device % 1000).padStart(3, '0')}`;
}

/** Writes the dealer into an empty database in one transaction; returns the counts written. */
export function writeDealer(
  db: Database,
  shape: DealerShape,
): { customers: number; devices: number; readings: number } {
  const stamp = `${shape.today}T06:00:00.000Z`;
  const periodStart = startOfMonth(shape.today);
  const firstEnd = endOfMonth(addMonths(periodStart, -Math.max(shape.months, 1)));
  const install = shape.months > 0 ? startOfMonth(firstEnd) : addMonths(periodStart, -1);
  const customers = Math.ceil(shape.devices / shape.devicesPerCustomer);
  let readingId = 0;

  function reading(
    deviceId: number,
    date: IsoDate,
    from: IsoDate,
    to: IsoDate,
    status: string,
    source: string,
    counters: Array<[string, number, number]>,
  ) {
    readingId += 1;
    db.run(
      `INSERT INTO readings (id, device_id, date, status, valid_from, valid_to, source, author, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'bench', ?, ?)`,
      [readingId, deviceId, date, status, from, to, source, stamp, stamp],
    );
    for (const [kind, old, value] of counters) {
      db.run(
        'INSERT INTO reading_counters (reading_id, kind, old_value, new_value) VALUES (?, ?, ?, ?)',
        [readingId, kind, old, value],
      );
    }
  }

  db.transaction(() => {
    for (let c = 1; c <= customers; c++) {
      const number = String(200_000 + c);
      db.run(
        `INSERT INTO customers (id, number, name, language, web_reading, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [
          c,
          number,
          `Kunde ${number} AG`,
          c % 3 === 0 ? 'de' : 'fr',
          shape.webReading ? 1 : 0,
          stamp,
          stamp,
        ],
      );
      if (shape.webReading)
        db.run('INSERT INTO customer_emails (customer_id, email) VALUES (?, ?)', [
          c,
          `zaehler${number}@example.com`,
        ]);
      db.run(
        `INSERT INTO contracts (id, customer_id, number, start_date, interval_months, start_month, created_at, updated_at)
         VALUES (?, ?, ?, ?, 1, 1, ?, ?)`,
        [c, c, `V-${number}`, install, stamp, stamp],
      );
      db.run(
        `INSERT INTO contract_terms (contract_id, kind, valid_from, free_per_month, price_per_page) VALUES (?, 'black', ?, 500, 8500)`,
        [c, install],
      );
      db.run(
        `INSERT INTO contract_terms (contract_id, kind, valid_from, free_per_month, price_per_page) VALUES (?, 'color', ?, 100, 65000)`,
        [c, install],
      );
    }
    for (let d = 1; d <= shape.devices; d++) {
      const contract = Math.floor((d - 1) / shape.devicesPerCustomer) + 1;
      const position = String(((d - 1) % shape.devicesPerCustomer) + 1).padStart(4, '0');
      const equipmentId = equipmentIdOf(d);
      const model = `RICOH MPC${2000 + (d % 50)}`;
      const location = `ETAGE ${d % 9} - BUREAU ${d % 37}`;
      const search = `${200_000 + contract} | kunde ${200_000 + contract} ag | v-${200_000 + contract} | ${model.toLowerCase()} | ${position} | ${location.toLowerCase()} | ${equipmentId} | ${equipmentId.replace(/\./g, '')} | sn${d}`;
      db.run(
        `INSERT INTO devices (id, contract_id, position, model, location, equipment_id, serial_number, install_date, search_text, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          d,
          contract,
          position,
          model,
          location,
          equipmentId,
          `SN${d}`,
          install,
          search,
          stamp,
          stamp,
        ],
      );
      db.run('INSERT INTO device_contracts (device_id, valid_from, contract_id) VALUES (?, ?, ?)', [
        d,
        install,
        contract,
      ]);
      const colour = shape.allColour || d % 2 === 0;
      db.run(
        `INSERT INTO device_counters (device_id, kind, start_value) VALUES (?, 'black', 1000)`,
        [d],
      );
      if (colour)
        db.run(
          `INSERT INTO device_counters (device_id, kind, start_value) VALUES (?, 'color', 500)`,
          [d],
        );
      let black = 1000;
      let color = 500;
      let from = install;
      for (let m = 0; m < shape.months; m++) {
        const to = endOfMonth(addMonths(firstEnd, m));
        const usage = 800 + ((d * 7 + m * 13) % 900);
        reading(
          d,
          to,
          from,
          to,
          '21',
          'manual',
          colour
            ? [
                ['black', black, black + usage],
                ['color', color, color + 300],
              ]
            : [['black', black, black + usage]],
        );
        black += usage;
        color += 300;
        from = addDays(to, 1);
      }
      if (shape.recordedEvery > 0 && d % shape.recordedEvery === 0) {
        const source = SOURCES[d % SOURCES.length]!;
        reading(
          d,
          shape.today,
          from,
          endOfMonth(shape.today),
          '01',
          source,
          colour
            ? [
                ['black', black, black + 1200],
                ['color', color, color + 250],
              ]
            : [['black', black, black + 1200]],
        );
      }
    }
  });
  db.pragma('optimize');
  return { customers, devices: shape.devices, readings: readingId };
}
