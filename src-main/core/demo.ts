/**
 * The demo data (issue 2): the seed's customer 999999 with its three RICOH copiers, a new
 * Kyocera without any reading yet (the first-reading case), an English customer with billed
 * readings, and a two-device contract whose first device holds an unposted reading (the
 * validity lock). Dated relative to today, so the current month is always due.
 */
import type { Database } from '../../db/database';
import { allSettings, setSetting } from '../../db/queries/settings';
import { countCustomers, insertContract, insertCustomer, insertDevice } from '../../db/queries/master-data';
import { getContractIdByNumber } from '../../db/queries/contracts';
import { insertReading } from '../../db/queries/readings';
import { addDays, addMonths, endOfMonth, startOfMonth } from '../../shared/dates';
import type { CounterKind, IsoDate, ReadingStatus } from '../../shared/models';
import { timestamp, today, type CoreContext } from './context';
import { runBilling } from './handlers/billing';

interface DemoCounter {
  kind: CounterKind;
  /** The counter at the latest reading. */
  final: number;
  monthlyUsage: number;
}

interface DemoDevice {
  position: string;
  model: string;
  location: string;
  equipmentId: string;
  serialNumber: string;
  counters: DemoCounter[];
  /** Statuses of the monthly readings, oldest first; the last is last month's. */
  statuses: ReadingStatus[];
  /** Counters at installation, for a device without readings. */
  startValues?: Partial<Record<CounterKind, number>>;
  installDate?: IsoDate;
}

/** A steady usage with a little monthly variation, the same every time. */
function usageOf(monthlyUsage: number, month: number, kind: CounterKind): number {
  const wobble = Math.sin(month * 1.7 + kind.length) * 0.12;
  return Math.round(monthlyUsage * (1 + wobble));
}

/** The counter after each month, oldest first; element 0 is the counter at installation. */
function counterSeries(counter: DemoCounter, months: number): number[] {
  const series = [counter.final];
  for (let month = months - 1; month >= 0; month--) {
    series.unshift((series[0] ?? 0) - usageOf(counter.monthlyUsage, month, counter.kind));
  }
  return series;
}

function addReadings(db: Database, deviceId: number, device: DemoDevice, installDate: IsoDate, now: string): void {
  const months = device.statuses.length;
  const series = new Map(device.counters.map((c) => [c.kind, counterSeries(c, months)]));
  let validFrom = installDate;
  device.statuses.forEach((status, month) => {
    const date = endOfMonth(addMonths(startOfMonth(installDate), month));
    insertReading(
      db,
      {
        deviceId,
        date,
        status,
        validFrom,
        validTo: date,
        source: 'manual',
        author: 'demo',
        note: '',
        flagged: false,
        confirmedBy: null,
        counters: device.counters.map(({ kind }) => {
          const values = series.get(kind) ?? [];
          return { kind, old: values[month] ?? 0, new: values[month + 1] ?? 0, extraFree: 0, exchange: null };
        }),
      },
      now,
    );
    validFrom = addDays(date, 1);
  });
}

function startValues(device: DemoDevice): Array<{ kind: CounterKind; startValue: number }> {
  return device.counters.map((counter) => ({
    kind: counter.kind,
    startValue:
      device.startValues?.[counter.kind] ?? counterSeries(counter, device.statuses.length)[0] ?? 0,
  }));
}

const posted = (n: number): ReadingStatus[] => Array.from({ length: n }, () => '21' as const);

/**
 * Fills an empty database with the demo data; refuses (returns false) when it holds any
 * customer, so it can never mix with a dealer's real data.
 */
export function loadDemoData(core: CoreContext): boolean {
  const { db } = core;
  const now = timestamp(core);
  return db.transaction(() => {
    if (countCustomers(db) > 0) return false;
    // The dealer's contact details, as the portal's error page and the e-mails show them.
    if (!allSettings(db).has('dealer.contact')) {
      setSetting(db, 'dealer.contact', 'meterdesk demo dealer · T. +41 21 000 00 00 · service@dealer.example');
    }
    const thisMonth = startOfMonth(today(core));
    const yearAgo = addMonths(thisMonth, -12);
    const halfYearAgo = addMonths(thisMonth, -6);

    const customers: Array<{
      customer: Parameters<typeof insertCustomer>[1];
      contract: Omit<Parameters<typeof insertContract>[1], 'customerId' | 'startDate'>;
      installDate: IsoDate;
      devices: DemoDevice[];
    }> = [
      {
        customer: {
          number: '999999',
          name: 'Fiduciaire du Léman SA',
          language: 'fr',
          webReading: true,
          emails: ['client999999@example.com'],
          address: 'Avenue de Rhodanie 40\n1007 Lausanne',
        },
        contract: {
          number: 'V-999999-01',
          endDate: null,
          intervalMonths: 1,
          startMonth: 1,
          terms: [
            { kind: 'black', freePerMonth: 500, pricePerPage: 8_500 },
            { kind: 'color', freePerMonth: 100, pricePerPage: 65_000 },
          ],
        },
        installDate: yearAgo,
        devices: [
          {
            position: '0002',
            model: 'PH RICOH MP2550CSP',
            location: 'REZ - COMPTABILITÉ',
            equipmentId: '3.022.790',
            serialNumber: '6594501067',
            counters: [{ kind: 'black', final: 344_805, monthlyUsage: 6_500 }],
            statuses: posted(12),
          },
          {
            position: '0004',
            model: 'PH RICOH MPC2800',
            location: '1ER - TECHNIQUE',
            equipmentId: '3.024.072',
            serialNumber: '1494701706',
            counters: [
              { kind: 'black', final: 152_340, monthlyUsage: 2_100 },
              { kind: 'color', final: 93_819, monthlyUsage: 1_600 },
            ],
            statuses: posted(12),
          },
          {
            position: '0014',
            model: 'PH RICOH MPC2051',
            location: '1ER - COMMERCIAL',
            equipmentId: '3.033.923',
            serialNumber: 'V9713800086',
            counters: [
              { kind: 'black', final: 44_200, monthlyUsage: 900 },
              { kind: 'color', final: 27_827, monthlyUsage: 600 },
            ],
            statuses: posted(12),
          },
        ],
      },
      {
        customer: { number: '100234', name: 'Muster AG', language: 'de', webReading: false, emails: [], address: 'Bahnhofstrasse 12\n8001 Zürich' },
        contract: {
          number: 'V-100234-01',
          endDate: null,
          intervalMonths: 3,
          startMonth: Number(addMonths(thisMonth, -1).slice(5, 7)),
          terms: [
            { kind: 'black', freePerMonth: 1_000, pricePerPage: 7_500 },
            { kind: 'scan', freePerMonth: 0, pricePerPage: 0 },
            { kind: 'color', freePerMonth: 200, pricePerPage: 55_000 },
          ],
        },
        installDate: addDays(addMonths(thisMonth, -1), 11),
        devices: [
          {
            position: '0001',
            model: 'KYOCERA TASKalfa 2554ci',
            location: 'EG - Empfang',
            equipmentId: '3.100.001',
            serialNumber: 'W4J1234567',
            counters: [
              { kind: 'black', final: 1_520, monthlyUsage: 0 },
              { kind: 'scan', final: 310, monthlyUsage: 0 },
              { kind: 'color', final: 880, monthlyUsage: 0 },
            ],
            startValues: { black: 1_520, color: 880, scan: 310 },
            statuses: [],
          },
        ],
      },
      {
        customer: {
          number: '200117',
          name: 'Harbour Print Ltd',
          language: 'en',
          webReading: true,
          emails: ['accounts@harbourprint.example'],
          address: 'Accounts Payable\nQuai du Mont-Blanc 5\n1201 Genève',
        },
        contract: {
          number: 'V-200117-01',
          endDate: null,
          intervalMonths: 1,
          startMonth: 1,
          terms: [
            { kind: 'black', freePerMonth: 300, pricePerPage: 9_000 },
            { kind: 'color', freePerMonth: 50, pricePerPage: 70_000 },
          ],
        },
        installDate: halfYearAgo,
        devices: [
          {
            position: '0001',
            model: 'CANON iR-ADV C3826i',
            location: 'Ground floor - Reception',
            equipmentId: '3.200.117',
            serialNumber: '2XK04567',
            counters: [
              { kind: 'black', final: 18_960, monthlyUsage: 1_200 },
              { kind: 'color', final: 7_410, monthlyUsage: 450 },
            ],
            // Last month's reading billed by a run of that month (below), which can be posted.
            statuses: [...posted(4), '21', '01'],
          },
        ],
      },
      {
        customer: {
          number: '300451',
          name: 'Imprimerie du Lac SA',
          language: 'fr',
          webReading: false,
          emails: [],
          address: 'Route du Port 3\n1820 Montreux',
        },
        contract: {
          number: 'V-300451-01',
          endDate: null,
          intervalMonths: 1,
          startMonth: 1,
          terms: [
            { kind: 'black', freePerMonth: 1_000, pricePerPage: 8_000 },
            { kind: 'color', freePerMonth: 200, pricePerPage: 60_000 },
          ],
        },
        installDate: halfYearAgo,
        devices: [
          {
            position: '0001',
            model: 'SHARP MX-3071',
            location: 'ATELIER',
            equipmentId: '3.300.451',
            serialNumber: '05012345',
            counters: [
              { kind: 'black', final: 61_200, monthlyUsage: 3_000 },
              { kind: 'color', final: 20_350, monthlyUsage: 1_100 },
            ],
            // Last month's reading is recorded but not billed yet: it sets the validity of
            // the contract's other devices (the OBS first-device lock).
            statuses: [...posted(5), '01'],
          },
          {
            position: '0002',
            model: 'SHARP MX-2651',
            location: 'BUREAU',
            equipmentId: '3.300.452',
            serialNumber: '05067890',
            counters: [{ kind: 'black', final: 24_400, monthlyUsage: 1_300 }],
            // Last month's reading has not come in yet.
            statuses: posted(5),
          },
        ],
      },
    ];

    for (const entry of customers) {
      const customerId = insertCustomer(db, entry.customer, now);
      const contractId = insertContract(db, { ...entry.contract, customerId, startDate: entry.installDate }, now);
      for (const device of entry.devices) {
        const installDate = device.installDate ?? entry.installDate;
        const deviceId = insertDevice(
          db,
          {
            contractId,
            position: device.position,
            model: device.model,
            location: device.location,
            equipmentId: device.equipmentId,
            serialNumber: device.serialNumber,
            installDate,
            counters: startValues(device),
          },
          now,
        );
        addReadings(db, deviceId, device, installDate, now);
      }
    }
    // The English customer's last reading billed, by a run of its own month, as a dealer's
    // would be: it opens read-only, and the run can be cancelled or posted on Abrechnung.
    const billed = getContractIdByNumber(db, 'V-200117-01');
    if (billed !== undefined) runBilling(core, addMonths(thisMonth, -1).slice(0, 7), { contracts: [billed] });
    return true;
  });
}
