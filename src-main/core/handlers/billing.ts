/**
 * The print billing run (issue 4): preview, run (01 → 11), cancel (11 → 01, while not posted)
 * and post (11 → 21, final). Each is one transaction; a reading is billed at most once.
 */
import {
  billingCandidates,
  earlierLines,
  estimatesAmong,
  statementReadings,
  devicesNotBilled,
  getRun,
  insertRun,
  insertRunContract,
  insertRunLine,
  insertRunReading,
  releaseRunReadings,
  runContracts,
  runReadings,
  runsOfPeriod,
  setRunState,
  usageByKind,
  type RunRow,
} from '../../../db/queries/billing';
import { getContract, getCustomer } from '../../../db/queries/master-data';
import { setReadingStatus } from '../../../db/queries/readings';
import type { BilledContract, BillingPreview, BillingRun } from '../../../shared/api';
import { endOfMonth } from '../../../shared/dates';
import { ApiError } from '../../../shared/errors';
import type { CounterKind, IsoDate } from '../../../shared/models';
import { billContract, freeCopiesLeft, sharedValidity } from '../../../shared/rules/billing';
import { firstDayOf, nextDuePeriod, periodOf } from '../../../shared/rules/web-reading';
import { audit, timestamp, type CoreContext } from '../context';

function contractLabel(core: CoreContext, contractId: number, on: string) {
  const contract = getContract(core.db, contractId, on);
  const customer = contract && getCustomer(core.db, contract.customerId);
  if (!contract || !customer) throw new ApiError('internal', `contract ${contractId} without customer`);
  return { contract, customer };
}

/**
 * The validity a contract's readings share with its earlier runs (`sharedValidity`) and those
 * runs' lines in it: read again as it widens, until no other run overlaps.
 */
function sharedWithEarlierRuns(core: CoreContext, contractId: number, validFrom: IsoDate, validTo: IsoDate) {
  let shared = { from: validFrom, to: validTo };
  for (;;) {
    const earlier = earlierLines(core.db, contractId, shared.from, shared.to);
    const widened = sharedValidity(shared.from, shared.to, earlier);
    if (widened.from === shared.from && widened.to === shared.to) return { shared, earlier };
    shared = widened;
  }
}

/** The order a run lists its contracts and prints its statements in: by the customers' numbers, then the contracts'. */
function byCustomerNumber(a: { customerNumber: string; contractNumber: string }, b: { customerNumber: string; contractNumber: string }): number {
  return a.customerNumber.localeCompare(b.customerNumber) || a.contractNumber.localeCompare(b.contractNumber);
}

/** What a run of the period would bill, computed from the recorded readings. */
export function previewBilling(core: CoreContext, period: string, options: { missing?: boolean } = {}): BillingPreview {
  const periodEnd = endOfMonth(firstDayOf(period));
  const candidates = billingCandidates(core.db, periodEnd);
  const skipped: BillingPreview['skipped'] = [];
  const byContract = new Map<number, typeof candidates>();
  for (const candidate of candidates) {
    if (!candidate.contractId) skipped.push({ readingId: candidate.readingId, equipmentId: candidate.equipmentId, reason: 'no-contract' });
    else byContract.set(candidate.contractId, [...(byContract.get(candidate.contractId) ?? []), candidate]);
  }
  const contracts: BilledContract[] = [];
  const notDue: BillingPreview['notDue'] = [];
  for (const [contractId, all] of byContract) {
    // A contract is billed in the months its interval ends in (a quarterly one from October in
    // December, March, …): a reading is due in the first such month from the one its validity
    // ends in — a reading between them waits for that run, which bills the interval's readings
    // together; a late one (its month's run is past) comes in the next run. A contract that has
    // ended is billed whenever its readings come.
    const firstFrom = all.map((r) => r.validFrom).sort()[0]!;
    const { contract: rhythm, customer } = contractLabel(core, contractId, firstFrom);
    const ended = rhythm.endDate !== null && rhythm.endDate <= periodEnd;
    const readings: typeof all = [];
    let waiting = 0;
    let next: string | null = null;
    for (const reading of all) {
      const dueIn = ended ? period : nextDuePeriod(rhythm, periodOf(reading.validTo));
      if (dueIn > period) {
        waiting += 1;
        if (next === null || dueIn < next) next = dueIn;
      } else if (reading.flagged) skipped.push({ readingId: reading.readingId, equipmentId: reading.equipmentId, reason: 'flagged' });
      else readings.push(reading);
    }
    if (next !== null) {
      notDue.push({
        contractId,
        contractNumber: rhythm.number,
        customerNumber: customer.number,
        customerName: customer.name,
        // An end before that month bills them in the end's month.
        duePeriod: rhythm.endDate !== null && periodOf(rhythm.endDate) < next ? periodOf(rhythm.endDate) : next,
        readings: waiting,
      });
    }
    if (readings.length === 0) continue;
    const validFrom = readings.map((r) => r.validFrom).sort()[0]!;
    const validTo = readings.map((r) => r.validTo).sort().at(-1)!;
    // The terms in force at the start of the billed validity (read again only where a waiting
    // reading began earlier).
    const contract = validFrom === firstFrom ? rhythm : contractLabel(core, contractId, validFrom).contract;
    const usage = usageByKind(core.db, readings.map((r) => r.readingId));
    const kinds = [...new Set<CounterKind>([...contract.terms.map((t) => t.kind), ...usage.keys()])].filter((kind) => usage.has(kind));
    // Earlier runs that billed part of this validity (late readings): one pool of free copies.
    const { shared, earlier } = sharedWithEarlierRuns(core, contractId, validFrom, validTo);
    // The terms at the shared validity's start (as one run of it all would take them).
    const sharedTerms = earlier.length > 0 && shared.from < validFrom ? (getContract(core.db, contractId, shared.from)?.terms ?? contract.terms) : contract.terms;
    const bill = billContract(
      kinds.map((kind) => {
        const term = contract.terms.find((t) => t.kind === kind);
        return {
          kind,
          usage: usage.get(kind) ?? 0,
          freePerMonth: term?.freePerMonth ?? 0,
          pricePerPage: term?.pricePerPage ?? 0,
          ...(earlier.length > 0
            ? {
                freeCopies: freeCopiesLeft(
                  sharedTerms.find((t) => t.kind === kind)?.freePerMonth ?? 0,
                  shared,
                  earlier.filter((line) => line.kind === kind),
                ),
              }
            : {}),
        };
      }),
      validFrom,
      validTo,
    );
    contracts.push({
      ...bill,
      contractId,
      contractNumber: contract.number,
      customerNumber: customer.number,
      customerName: customer.name,
      customerAddress: customer.address,
      customerLanguage: customer.language,
      readingIds: readings.map((r) => r.readingId),
      estimates: estimatesAmong(core.db, readings.map((r) => r.readingId)),
    });
  }
  contracts.sort(byCustomerNumber);
  // For the clerk before a run, as each statement will name them; the run itself does not need them.
  const missing =
    options.missing === false
      ? []
      : contracts.flatMap((contract) =>
          devicesNotBilled(core.db, contract.contractId, contract.readingIds, contract.validFrom, contract.validTo).map((device) => ({
            contractId: contract.contractId,
            equipmentId: device.equipmentId,
          })),
        );
  notDue.sort(byCustomerNumber);
  return { period, contracts, skipped, missing, notDue, total: contracts.reduce((sum, c) => sum + c.totalRounded, 0) };
}

/** `withReadings`: each contract's billed readings device by device, for the statements. */
function runDetail(core: CoreContext, run: RunRow, withReadings = false): BillingRun {
  // Each contract's readings, in one pass (a filter per contract took a month of 5,000
  // contracts three seconds).
  const readingsOf = new Map<number, number[]>();
  for (const row of core.db.all<{ reading_id: number; contract_id: number }>(
    'SELECT reading_id, contract_id FROM billing_readings WHERE run_id = ? ORDER BY reading_id',
    [run.id],
  )) {
    const list = readingsOf.get(row.contract_id);
    if (list) list.push(row.reading_id);
    else readingsOf.set(row.contract_id, [row.reading_id]);
  }
  return {
    ...run,
    contracts: runContracts(core.db, run.id).map((row) => {
      const { contract, customer } = contractLabel(core, row.contractId, row.validFrom);
      const readingIds = readingsOf.get(row.contractId) ?? [];
      return {
        ...row,
        contractNumber: contract.number,
        customerNumber: customer.number,
        customerName: customer.name,
        customerAddress: customer.address,
        customerLanguage: customer.language,
        readingIds,
        estimates: estimatesAmong(core.db, readingIds),
        ...(withReadings && {
          readings: statementReadings(core.db, readingIds),
          notBilled: devicesNotBilled(core.db, row.contractId, readingIds, row.validFrom, row.validTo, run.id),
        }),
      };
    })
    // As the preview lists them: statements print in the order of the customers' numbers.
    .sort(byCustomerNumber),
  };
}

export function billingRun(core: CoreContext, runId: number): BillingRun {
  const run = getRun(core.db, runId);
  if (!run) throw new ApiError('not-found', `no billing run ${runId}`);
  return runDetail(core, run, true);
}

export function billingRuns(core: CoreContext, period: string): BillingRun[] {
  return runsOfPeriod(core.db, period).map((run) => runDetail(core, run));
}

/** Bills the period: the preview's readings become 11 and the run is recorded. */
/** `contracts`: bill only these (the demo data's one billed contract); all by default. */
export function runBilling(core: CoreContext, period: string, options: { contracts?: readonly number[] } = {}): BillingRun {
  return core.db.transaction(() => {
    const preview = previewBilling(core, period, { missing: false });
    const contracts = options.contracts ? preview.contracts.filter((c) => options.contracts!.includes(c.contractId)) : preview.contracts;
    if (contracts.length === 0) {
      throw new ApiError('validation', `nothing to bill for ${period}: no recorded, confirmed readings due in it`);
    }
    const now = timestamp(core);
    const total = contracts.reduce((sum, c) => sum + c.totalRounded, 0);
    const runId = insertRun(core.db, { period, total, by: core.author }, now);
    for (const contract of contracts) {
      insertRunContract(core.db, runId, contract);
      for (const line of contract.lines) insertRunLine(core.db, runId, contract.contractId, line);
      for (const readingId of contract.readingIds) {
        insertRunReading(core.db, runId, contract.contractId, readingId);
        setReadingStatus(core.db, readingId, '11', now);
        audit(core, now, 'reading', readingId, 'update', { status: ['01', '11'], billingRun: [null, runId] });
      }
    }
    audit(core, now, 'billing_run', runId, 'create', { period: [null, period], total: [null, total] });
    return runDetail(core, getRun(core.db, runId)!);
  });
}

function billedRun(core: CoreContext, runId: number): RunRow {
  const run = getRun(core.db, runId);
  if (!run) throw new ApiError('not-found', `no billing run ${runId}`);
  if (run.state !== 'billed') {
    throw new ApiError('conflict', `billing run ${runId} is ${run.state === 'posted' ? 'posted, which is final' : 'cancelled already'}`);
  }
  return run;
}

/** Undoes a run not yet posted: its readings are recorded (01) again and can be billed anew. */
export function cancelBilling(core: CoreContext, runId: number): BillingRun {
  return core.db.transaction(() => {
    const run = billedRun(core, runId);
    const now = timestamp(core);
    for (const readingId of runReadings(core.db, run.id)) {
      setReadingStatus(core.db, readingId, '01', now);
      audit(core, now, 'reading', readingId, 'update', { status: ['11', '01'], billingRun: [run.id, null] });
    }
    const detail = runDetail(core, run);
    releaseRunReadings(core.db, run.id);
    setRunState(core.db, run.id, 'cancelled', core.author, now);
    audit(core, now, 'billing_run', run.id, 'update', { state: ['billed', 'cancelled'] });
    return { ...detail, state: 'cancelled', cancelledAt: now };
  });
}

/** Posts a run: its readings become 21, final. */
export function postBilling(core: CoreContext, runId: number): BillingRun {
  return core.db.transaction(() => {
    const run = billedRun(core, runId);
    const now = timestamp(core);
    for (const readingId of runReadings(core.db, run.id)) {
      setReadingStatus(core.db, readingId, '21', now);
      audit(core, now, 'reading', readingId, 'update', { status: ['11', '21'] });
    }
    setRunState(core.db, run.id, 'posted', core.author, now);
    audit(core, now, 'billing_run', run.id, 'update', { state: ['billed', 'posted'] });
    return runDetail(core, getRun(core.db, run.id)!);
  });
}
