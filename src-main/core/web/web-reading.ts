/**
 * Web reading in the back-office (SPEC §4–5): which customers get a request e-mail for a
 * period, what the portal is told, and how what customers entered becomes readings. Each
 * function is one transaction; the transport (HTTP, SMTP) lives outside the core.
 */
import type { RequestOptions, RequestSkipReason } from '../../../shared/api';
import { endOfMonth } from '../../../shared/dates';
import type { Customer, Device, IsoDate, Reading, SubmissionValue } from '../../../shared/models';
import type { PublishBody, PublishedDevice, Submission } from '../../../shared/portal-sync';
import { ApiError } from '../../../shared/errors';
import {
  firstDayOf,
  isDueIn,
  isLinkValid,
  isPeriod,
  linkValidUntil,
  openRequestPeriod,
  periodOf,
  periodReadingBilled,
  refusedReason,
  type Period,
} from '../../../shared/rules/web-reading';
import { getCustomerByNumber, getDevice } from '../../../db/queries/master-data';
import { getReading, setReadingSource } from '../../../db/queries/readings';
import {
  currentLink,
  customerDevicesInPeriod,
  decideSubmission,
  getLink,
  getSubmission,
  hasSubmission,
  insertLink,
  insertSubmission,
  linkByTokenHash,
  linkMailOut,
  linkReachedCustomer,
  linksToPublish,
  periodHasLinks,
  queueMail,
  readingOfPeriod,
  readingSince,
  replaceLink,
  webCustomers,
  type WebLink,
} from '../../../db/queries/web';
import { audit, settingsOf, timestamp, today, type CoreContext } from '../context';
import { isEditable } from '../../../shared/rules/status';
import { nextReadingCounters, saveReading, saveReadingOn } from '../handlers/readings';
import { hashToken, newToken } from './tokens';

/** The devices of a customer that need a reading in the period, in contract and position order. */
export function dueDevices(core: CoreContext, customerId: number, period: Period): number[] {
  const from = firstDayOf(period);
  return customerDevicesInPeriod(core.db, customerId, from, endOfMonth(from))
    .filter((row) => isDueIn(row, period))
    .map((row) => row.deviceId);
}

export interface PlannedRequest {
  customerNumber: string;
  recipients: string[];
  linkId: number;
  mailId: number;
  validUntil: IsoDate;
  /** A resend: the earlier link of the period no longer works. */
  replacedLink: boolean;
}

export interface RequestPlan {
  period: Period;
  planned: PlannedRequest[];
  skipped: Array<{ customerNumber: string; reason: RequestSkipReason }>;
}

/** Asked for one customer that takes no part in web reading (or does not exist). */
function notWebCustomer(customerNumber: string): ApiError {
  return new ApiError('not-found', `customer ${customerNumber} does not read its counters on the web (or does not exist)`);
}

/**
 * Creates the links and queues the request e-mails of a period: once per customer with web
 * reading and a device due; `resend` replaces a customer's link (the old one stops working).
 */
export function planRequests(core: CoreContext, period: Period, options: RequestOptions = {}): RequestPlan {
  return core.db.transaction(() => {
    const now = timestamp(core);
    const plan: RequestPlan = { period, planned: [], skipped: [] };
    const customers = webCustomers(core.db).filter((c) => options.customerNumber === undefined || c.number === options.customerNumber);
    if (options.customerNumber !== undefined && customers.length === 0) {
      throw notWebCustomer(options.customerNumber);
    }
    for (const customer of customers) {
      const due = dueDevices(core, customer.id, period);
      if (due.length === 0) continue;
      if (allRead(core, due, period)) {
        plan.skipped.push({ customerNumber: customer.number, reason: 'all-read' });
        continue;
      }
      const existing = currentLink(core.db, customer.id, period);
      if (existing && !options.resend) {
        plan.skipped.push({ customerNumber: customer.number, reason: 'already-requested' });
        continue;
      }
      if (customer.emails.length === 0) {
        plan.skipped.push({ customerNumber: customer.number, reason: 'no-email' });
        continue;
      }
      if (existing && linkMailOut(core.db, existing.id, now)) {
        plan.skipped.push({ customerNumber: customer.number, reason: 'sending' });
        continue;
      }
      const { linkId, token, validUntil } = newLink(core, customer, period, existing, now);
      const mailId = queueMail(core.db, linkId, customer.emails, token, now);
      plan.planned.push({
        customerNumber: customer.number,
        recipients: customer.emails,
        linkId,
        mailId,
        validUntil,
        replacedLink: existing !== undefined,
      });
    }
    return plan;
  });
}

/** `openRequestPeriod` on the core's today: Web-Erfassung's month, and the hand-over's unless given. */
export function openPeriod(core: CoreContext): Period {
  const todayDate = today(core);
  return openRequestPeriod(todayDate, periodHasLinks(core.db, periodOf(todayDate)));
}

/** A new personal link of the customer for the period, replacing `existing` (which stops working). */
function newLink(
  core: CoreContext,
  customer: { id: number; number: string },
  period: Period,
  existing: { id: number } | undefined,
  now: string,
  handedOverBy?: string,
) {
  if (existing) {
    replaceLink(core.db, existing.id, now);
    audit(core, now, 'web_link', existing.id, 'update', { replaced: [null, now] });
  }
  const token = newToken();
  const validUntil = linkValidUntil(period);
  const linkId = insertLink(core.db, { customerId: customer.id, period, tokenHash: hashToken(token), validUntil }, now);
  audit(core, now, 'web_link', linkId, 'create', {
    customer: [null, customer.number],
    period: [null, period],
    ...(handedOverBy && { handedOver: [null, handedOverBy] }),
  });
  return { linkId, token, validUntil };
}

/**
 * A customer's link for the office to hand over itself — read out on the phone, or pasted into
 * its own e-mail — when the request e-mail cannot reach them (no SMTP server yet, a lost
 * e-mail): a new link for the period, replacing the current one, and no e-mail queued. The
 * token is returned once, here; like every link, only its hash is kept.
 */
export function handOverLink(core: CoreContext, period: Period, customerNumber: string) {
  return core.db.transaction(() => {
    const now = timestamp(core);
    const customer = webCustomers(core.db).find((c) => c.number === customerNumber);
    if (!customer) throw notWebCustomer(customerNumber);
    // A period whose links have ended would give a link that never works.
    const ends = linkValidUntil(period);
    if (!isLinkValid(ends, today(core))) {
      throw new ApiError('conflict', `the links of ${period} ended on ${ends}: give one of a later month`);
    }
    const due = dueDevices(core, customer.id, period);
    if (due.length === 0) {
      throw new ApiError('conflict', `customer ${customerNumber} has no device due for a reading in ${period}`);
    }
    if (allRead(core, due, period)) {
      throw new ApiError('conflict', `every device of customer ${customerNumber} due in ${period} has its reading already: the link would show nothing to enter`, [
        { field: 'reading', code: 'nothing-to-enter', params: { customer: customerNumber } },
      ]);
    }
    const existing = currentLink(core.db, customer.id, period);
    if (existing && linkMailOut(core.db, existing.id, now)) {
      throw new ApiError('conflict', `the e-mail with customer ${customerNumber}'s link is being sent right now: try again in a moment`);
    }
    // Said only of a link the customer may have: one whose e-mail never went out reached nobody.
    const replacedLink = existing !== undefined && linkReachedCustomer(core.db, existing.id);
    const { token, validUntil } = newLink(core, customer, period, existing, now, core.author);
    return { customerNumber, period, token, validUntil, replacedLink };
  });
}

function publishedDevice(core: CoreContext, deviceId: number): PublishedDevice | null {
  const device = getDevice(core.db, deviceId);
  if (!device) return null;
  const counters = nextReadingCounters(core, device);
  return {
    ref: device.id,
    model: device.model,
    position: device.position,
    location: device.location,
    equipmentId: device.equipmentId,
    serialNumber: device.serialNumber,
    counters: counters.map((counter) => ({
      kind: counter.kind,
      // After an estimate, the last real counter and its date: a real value below the estimate
      // trues it up, and the usual usage is counted from that reading, not from the estimate.
      lastDate: counter.floorDate ?? counter.lastDate ?? device.installDate,
      lastValue: counter.floor ?? counter.chainOld,
      averageDaily: counter.averageDaily,
    })),
  };
}

/**
 * Whether the device has a real reading for the period already — by hand, by import, or the
 * customer's own from the web: the portal then no longer asks for it (SPEC §4.2, the devices
 * that *need* a reading; a link that replaced the one it was entered on does not ask again).
 * On the link it was entered on, a web value stays shown, locked, with its entry. An estimate
 * still wants the real value.
 */
function alreadyRead(core: CoreContext, deviceId: number, period: Period): boolean {
  const from = firstDayOf(period);
  const reading = readingOfPeriod(core.db, deviceId, from, endOfMonth(from));
  return reading !== undefined && reading.source !== 'estimate';
}

/** Every one of a customer's due devices read already (by hand, an import): its link would show nothing to enter. */
function allRead(core: CoreContext, due: number[], period: Period): boolean {
  return due.every((deviceId) => alreadyRead(core, deviceId, period));
}

/**
 * What the portal needs (SPEC §5): every link still valid with its due devices, their last
 * counters and usual consumption, and the replaced ones as closed. No names, no addresses.
 */
export function buildPublication(core: CoreContext, contact: string): PublishBody {
  const settings = settingsOf(core);
  const day = today(core, settings);
  return {
    contact,
    links: linksToPublish(core.db, day).map((link) => {
      const closed = link.replacedAt !== null || !link.webReading || link.archived;
      return {
        tokenHash: link.tokenHash,
        customerNumber: link.customerNumber,
        period: link.period,
        language: link.language,
        validUntil: link.validUntil,
        timeZone: settings.timeZone,
        closed,
        rule: settings.plausibility,
        devices: closed
          ? []
          : dueDevices(core, link.customerId, link.period)
              // Each keeps its place among all the due ones: the page's order stays as the customer saw it.
              .map((id, sort) => ({ id, sort }))
              .filter(({ id }) => !alreadyRead(core, id, link.period))
              .map(({ id, sort }) => {
                const device = publishedDevice(core, id);
                return device && { ...device, sort };
              })
              .filter((device) => device !== null),
      };
    }),
  };
}

/** The reading a web submission becomes: dated the day the customer entered it. */
function saveWebReading(core: CoreContext, link: WebLink, device: Device, values: SubmissionValue[]) {
  const date = values.map((value) => value.enteredOn).sort().at(-1)!;
  const web: CoreContext = { ...core, author: `web ${link.customerNumber}` };
  // A counter the customer left out keeps its last value (only a clerk's explicit take-over).
  const entered = new Map(device.counters.map((counter) => [counter.kind, counter.currentValue]));
  for (const value of values) entered.set(value.kind, value.value);
  return saveReadingOn(web, device, date, entered, { source: 'web', flagged: values.some((value) => value.flagged) });
}

export interface ApplyReport {
  applied: number;
  held: number;
  /** Stored by an earlier sync (collected again after a crash): nothing to do. */
  already: number;
  /** Keys the portal may forget: stored now or before. */
  keys: string[];
  /** Submissions the back-office cannot place (an unknown link or device): not acknowledged. */
  unknown: string[];
}

/**
 * Stores collected submissions, each exactly once (keyed by link and device), in one
 * transaction: a crash leaves all or nothing, and the next collect brings them again.
 * A device with a reading recorded in the period already, values missing, or values the
 * chain refuses: kept aside for a clerk, never overwriting.
 * `recoveringSince`: the database was restored from a backup then (`syncRecovery`) — what the
 * portal took over before and hands over again is kept aside for a clerk (a decision taken
 * after the backup is not in the database: a value discarded then must not come back applied),
 * and a link it does not know (made after the backup) is taken into it again.
 */
export function applySubmissions(
  core: CoreContext,
  submissions: Submission[],
  { recoveringSince = null }: { recoveringSince?: string | null } = {},
): ApplyReport {
  return core.db.transaction(() => {
    const now = timestamp(core);
    const report: ApplyReport = { applied: 0, held: 0, already: 0, keys: [], unknown: [] };
    // A customer's submissions come together: their link and customer are read once.
    const links = new Map<string, { link: WebLink | undefined; customer: Customer | undefined }>();
    for (const item of submissions) {
      if (hasSubmission(core.db, item.key)) {
        report.already += 1;
        report.keys.push(item.key);
        continue;
      }
      let known = links.get(item.tokenHash);
      if (!known) {
        const found = linkByTokenHash(core.db, item.tokenHash) ?? (recoveringSince !== null ? recoveredLink(core, item, recoveringSince, now) : undefined);
        known = { link: found, customer: found && getCustomerByNumber(core.db, found.customerNumber) };
        links.set(item.tokenHash, known);
      }
      const { link, customer } = known;
      const device = link && getDevice(core.db, item.deviceRef);
      // The device must still be the link's customer's: one moved to another customer since the
      // link was published is not theirs to read any more.
      const owner = device && core.db.get<{ customer_id: number }>('SELECT customer_id FROM contracts WHERE id = ?', [device.contractId]);
      if (!link || !device || !customer || link.customerNumber !== item.customerNumber || owner?.customer_id !== customer.id) {
        report.unknown.push(item.key);
        continue;
      }
      const enteredOn = item.values.map((value) => value.enteredOn).sort().at(-1)!;
      const record = {
        portalKey: item.key,
        linkId: link.id,
        deviceId: device.id,
        enteredOn,
        flagged: item.values.some((value) => value.flagged),
        values: item.values,
      };
      let outcome: { state: 'applied' | 'held'; reason: string | null; readingId: number | null };
      const since = item.complete ? readingSince(core.db, device.id, firstDayOf(link.period)) : undefined;
      if (!item.complete) {
        outcome = { state: 'held', reason: 'incomplete', readingId: null };
      } else if (item.acknowledged) {
        outcome = { state: 'held', reason: 'recovered', readingId: null };
      } else if (since) {
        // SPEC §5: a reading of the period is never overwritten, staff decide — also the
        // office's estimate, which the reason names (taking the value over replaces it).
        outcome = { state: 'held', reason: since.source === 'estimate' ? 'estimated' : 'recorded', readingId: null };
      } else {
        try {
          // In a transaction of its own (saveReadingOn's): a refused one leaves nothing.
          const reading = saveWebReading(core, link, device, item.values);
          outcome = { state: 'applied', reason: null, readingId: reading.id };
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          // Which rule, on which counter: Web-Erfassung says it in words.
          outcome = { state: 'held', reason: refusedReason(error.refusal()), readingId: null };
        }
      }
      const id = insertSubmission(core.db, { ...record, ...outcome }, now);
      audit(core, now, 'web_submission', id, 'create', { state: [null, outcome.state], reason: [null, outcome.reason] });
      report[outcome.state] += 1;
      report.keys.push(item.key);
    }
    return report;
  });
}

/**
 * The link of a submission that the database, restored from a backup at `restoredAt`, does not
 * know: made after that backup. Taken in again for its customer and period, so that its values
 * are stored. It is the customer's link of the period — the one made before the backup was
 * closed on the portal when it was made — unless the database made another one since the
 * restore (the month's requests sent again): that newer one stays, this one is closed.
 */
function recoveredLink(core: CoreContext, item: Submission, restoredAt: string, now: string): WebLink | undefined {
  const customer = getCustomerByNumber(core.db, item.customerNumber);
  if (!customer || !isPeriod(item.period)) return undefined;
  const current = currentLink(core.db, customer.id, item.period);
  const madeSince = current !== undefined && current.createdAt >= restoredAt;
  if (current && !madeSince) {
    replaceLink(core.db, current.id, now);
    audit(core, now, 'web_link', current.id, 'update', { replaced: [null, now] });
  }
  const link = { customerId: customer.id, period: item.period, tokenHash: item.tokenHash, validUntil: linkValidUntil(item.period), replacedAt: madeSince ? now : null };
  const id = insertLink(core.db, link, now);
  audit(core, now, 'web_link', id, 'create', { customer: [null, customer.number], period: [null, item.period], recovered: [null, now] });
  return getLink(core.db, id);
}

/**
 * Taking over a customer's values for a period the office has a reading of (SPEC §5: staff
 * see both and decide): they correct that reading — dated the day they were entered, its
 * validity and note kept — under the meter dialog's rules (the next reading's *old* follows,
 * an implausible usage is flagged), and it becomes the period's web reading. A second reading
 * in the period would have had a validity of its own, after the first one's. Only for a
 * recorded (01) reading: a billed one is refused before (`periodReadingBilled`).
 */
function correctWithWebValues(core: CoreContext, reading: Reading, device: Device, values: SubmissionValue[], now: string): Reading {
  const entered = new Map(values.map((value) => [value.kind, value.value]));
  const saved = saveReading(
    core,
    {
      equipmentId: device.equipmentId,
      readingId: reading.id,
      revision: reading.revision,
      date: values.map((value) => value.enteredOn).sort().at(-1)!,
      validFrom: reading.validFrom,
      validTo: reading.validTo,
      note: reading.note,
      counters: reading.counters.map((counter) => ({
        kind: counter.kind,
        old: counter.old,
        new: entered.get(counter.kind) ?? counter.new,
        extraFree: counter.extraFree,
        exchange: counter.exchange,
      })),
    },
    { source: 'web', flagged: values.some((value) => value.flagged) },
  );
  if (saved.source === 'web') return saved;
  setReadingSource(core.db, saved.id, 'web', now);
  audit(core, now, 'reading', saved.id, 'update', { source: [saved.source, 'web'] });
  return getReading(core.db, saved.id)!;
}

/**
 * A clerk's decision on a kept-aside submission: take it over (the period's reading corrected
 * with it, or a new web reading; the chain's rules still apply), or discard it.
 */
export function decideWebSubmission(core: CoreContext, id: number, action: 'apply' | 'discard', revision?: number) {
  return core.db.transaction(() => {
    const submission = getSubmission(core.db, id);
    if (!submission) throw new ApiError('not-found', `no web submission ${id}`);
    if (submission.state !== 'held') {
      throw new ApiError('conflict', 'this web submission was decided already');
    }
    const now = timestamp(core);
    let readingId: number | null = null;
    if (action === 'apply') {
      if (submission.reason === 'incomplete') {
        throw new ApiError('conflict', 'the customer did not enter every counter of this device: record the reading in the meter dialog instead');
      }
      const link = getLink(core.db, submission.linkId)!;
      const device = getDevice(core.db, submission.deviceId);
      if (!device) throw new ApiError('not-found', `no device ${submission.deviceId}`);
      const from = firstDayOf(link.period);
      const found = readingOfPeriod(core.db, device.id, from, endOfMonth(from));
      const recorded = found && getReading(core.db, found.id)!;
      // Changed since the clerk compared it (a colleague corrected or confirmed it): look again.
      if (recorded && revision !== undefined && recorded.revision !== revision) {
        throw new ApiError('conflict', `the office's reading of ${device.equipmentId} for this period changed meanwhile: compare again`, [
          { field: 'reading', code: 'period-reading-changed' },
        ]);
      }
      if (recorded && periodReadingBilled(recorded)) {
        throw new ApiError(
          'conflict',
          `the reading of ${device.equipmentId} for this period is billed already (status ${recorded.status}): discard the web value, or cancel the billing run first`,
          [{ field: 'reading', code: 'period-reading-billed', params: { status: recorded.status } }],
        );
      }
      // A recorded reading of the month is corrected; without one — or after a billed estimate,
      // which stays as billed — the real value comes after it (the true-up).
      readingId = recorded && isEditable(recorded.status)
        ? correctWithWebValues(core, recorded, device, submission.values, now).id
        : saveWebReading(core, link, device, submission.values).id;
    }
    const state = action === 'apply' ? 'applied' : 'discarded';
    decideSubmission(core.db, id, { state, readingId, by: core.author }, now);
    audit(core, now, 'web_submission', id, 'update', { state: ['held', state] });
    return getSubmission(core.db, id)!;
  });
}
