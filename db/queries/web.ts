/** Web reading in the back-office's database: links, the request e-mails, submissions, syncs. */
import type { Database } from '../database';
import { IN_SERVICE_DURING } from './period';
import type {
  CounterKind,
  IsoDate,
  Language,
  ReadingSource,
  ReadingStatus,
  SubmissionState,
  SubmissionValue,
  SyncRun,
  WebSubmission,
} from '../../shared/models';

export interface WebLink {
  id: number;
  customerId: number;
  customerNumber: string;
  language: Language;
  webReading: boolean;
  archived: boolean;
  period: string;
  tokenHash: string;
  validUntil: IsoDate;
  createdAt: string;
  replacedAt: string | null;
}

interface WebLinkRow {
  id: number;
  customer_id: number;
  number: string;
  language: Language;
  web_reading: number;
  archived: number;
  period: string;
  token_hash: string;
  valid_until: string;
  created_at: string;
  replaced_at: string | null;
}

const LINK_SELECT = `SELECT l.id, l.customer_id, c.number, c.language, c.web_reading, c.archived, l.period, l.token_hash,
  l.valid_until, l.created_at, l.replaced_at FROM web_links l JOIN customers c ON c.id = l.customer_id`;

function toLink(row: WebLinkRow): WebLink {
  return {
    id: row.id,
    customerId: row.customer_id,
    customerNumber: row.number,
    language: row.language,
    webReading: row.web_reading === 1,
    archived: row.archived === 1,
    period: row.period,
    tokenHash: row.token_hash,
    validUntil: row.valid_until,
    createdAt: row.created_at,
    replacedAt: row.replaced_at,
  };
}

export function currentLink(db: Database, customerId: number, period: string): WebLink | undefined {
  const row = db.get<WebLinkRow>(`${LINK_SELECT} WHERE l.customer_id = ? AND l.period = ? AND l.replaced_at IS NULL`, [customerId, period]);
  return row && toLink(row);
}

/** Whether any link of the period was made: its requests have gone out (or one was handed over). */
export function periodHasLinks(db: Database, period: string): boolean {
  return db.get('SELECT 1 FROM web_links WHERE period = ? LIMIT 1', [period]) !== undefined;
}

export function getLink(db: Database, id: number): WebLink | undefined {
  const row = db.get<WebLinkRow>(`${LINK_SELECT} WHERE l.id = ?`, [id]);
  return row && toLink(row);
}

export function linkByTokenHash(db: Database, tokenHash: string): WebLink | undefined {
  const row = db.get<WebLinkRow>(`${LINK_SELECT} WHERE l.token_hash = ?`, [tokenHash]);
  return row && toLink(row);
}

/** Links the portal must know: still valid on `since`, or replaced since then (to close them). */
export function linksToPublish(db: Database, since: IsoDate): WebLink[] {
  return db.all<WebLinkRow>(`${LINK_SELECT} WHERE l.valid_until >= ? ORDER BY l.id`, [since]).map(toLink);
}

/** A new link; `replacedAt`: one taken in already closed (a recovered link another one replaced). */
export function insertLink(
  db: Database,
  link: { customerId: number; period: string; tokenHash: string; validUntil: IsoDate; replacedAt?: string | null },
  now: string,
): number {
  return db.run(
    `INSERT INTO web_links (customer_id, period, token_hash, valid_until, created_at, replaced_at)
     VALUES (@customerId, @period, @tokenHash, @validUntil, @now, @replacedAt)`,
    { ...link, replacedAt: link.replacedAt ?? null, now },
  ).lastInsertRowid;
}

/** Closes a link (a resend replaced it) and withdraws its unsent e-mail. */
export function replaceLink(db: Database, id: number, now: string): void {
  db.run('UPDATE web_links SET replaced_at = ? WHERE id = ? AND replaced_at IS NULL', [now, id]);
  db.run(`UPDATE mail_outbox SET status = 'cancelled', token = NULL WHERE link_id = ? AND status = 'pending'`, [id]);
}

/**
 * Whether a sender has the link's queued e-mail out right now (`claimMail`): replacing the link
 * then would close the link that e-mail is carrying to the customer.
 */
export function linkMailOut(db: Database, linkId: number, now: string): boolean {
  return (
    db.get(`SELECT 1 FROM mail_outbox WHERE link_id = ? AND status = 'pending' AND NOT ${UNCLAIMED}`, [linkId, now]) !==
    undefined
  );
}

/** Customers with web reading whose contracts' terms could make them due: the candidates. */
export function webCustomers(db: Database): Array<{ id: number; number: string; language: Language; emails: string[] }> {
  return db
    .all<{ id: number; number: string; language: Language; emails: string | null }>(
      `SELECT c.id, c.number, c.language,
         (SELECT group_concat(email, char(10)) FROM customer_emails e WHERE e.customer_id = c.id) AS emails
       FROM customers c WHERE c.web_reading = 1 AND c.archived = 0 ORDER BY c.number`,
    )
    .map((row) => ({ ...row, emails: row.emails ? row.emails.split('\n').sort() : [] }));
}

export interface OutboxMail {
  id: number;
  linkId: number;
  recipients: string[];
  token: string | null;
  status: 'pending' | 'sent' | 'cancelled';
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string;
  sentAt: string | null;
}

interface OutboxRow {
  id: number;
  link_id: number;
  recipients: string;
  token: string | null;
  status: OutboxMail['status'];
  attempts: number;
  last_error: string | null;
  next_attempt_at: string;
  sent_at: string | null;
}

function toMail(row: OutboxRow): OutboxMail {
  return {
    id: row.id,
    linkId: row.link_id,
    recipients: JSON.parse(row.recipients) as string[],
    token: row.token,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    nextAttemptAt: row.next_attempt_at,
    sentAt: row.sent_at,
  };
}

export function queueMail(db: Database, linkId: number, recipients: string[], token: string, now: string): number {
  return db.run(
    `INSERT INTO mail_outbox (link_id, recipients, token, status, next_attempt_at, created_at)
     VALUES (?, ?, ?, 'pending', ?, ?)`,
    [linkId, JSON.stringify(recipients), token, now, now],
  ).lastInsertRowid;
}

/** No other sender has the e-mail out (`claimMail`); parameter: now. */
const UNCLAIMED = '(claimed_until IS NULL OR claimed_until <= ?)';
/** `dueMails`' condition, which a claim checks again; parameters: `dueParams`. */
const DUE = `status = 'pending' AND (? OR next_attempt_at <= ?) AND ${UNCLAIMED}`;
const dueParams = (now: string, everyQueued: boolean) => [everyQueued ? 1 : 0, now, now];

/**
 * The queued e-mails due at `now` — with `everyQueued` also those waiting for their retry —
 * that no other sender has taken (`claimMail`).
 */
export function dueMails(db: Database, now: string, everyQueued = false): OutboxMail[] {
  return db.all<OutboxRow>(`SELECT * FROM mail_outbox WHERE ${DUE} ORDER BY id`, dueParams(now, everyQueued)).map(toMail);
}

/** The period's request e-mails with their customer; `replaced`: a newer link took over from the e-mail's. */
export function mailsOfPeriod(
  db: Database,
  period: string,
): Array<OutboxMail & { customerNumber: string; customerName: string; replaced: boolean }> {
  return db
    .all<OutboxRow & { number: string; name: string; replaced: number }>(
      `SELECT m.*, c.number, c.name, l.replaced_at IS NOT NULL AS replaced
         FROM mail_outbox m JOIN web_links l ON l.id = m.link_id JOIN customers c ON c.id = l.customer_id
        WHERE l.period = ? ORDER BY m.id`,
      [period],
    )
    .map((row) => ({ ...toMail(row), customerNumber: row.number, customerName: row.name, replaced: row.replaced === 1 }));
}

/** Whether a link reached its customer: its e-mail went out, or the office handed it over (no e-mail). */
export function linkReachedCustomer(db: Database, linkId: number): boolean {
  return (
    db.get(
      `SELECT 1 FROM web_links l WHERE l.id = ?
          AND (NOT EXISTS (SELECT 1 FROM mail_outbox m WHERE m.link_id = l.id)
               OR EXISTS (SELECT 1 FROM mail_outbox m WHERE m.link_id = l.id AND m.status = 'sent'))`,
      [linkId],
    ) !== undefined
  );
}

/** Links of the period the office handed over itself (no e-mail of theirs), oldest first. */
export function handedOverLinks(
  db: Database,
  period: string,
): Array<{ customerNumber: string; customerName: string; createdAt: string; replaced: boolean }> {
  return db
    .all<{ number: string; name: string; created_at: string; replaced: number }>(
      `SELECT c.number, c.name, l.created_at, l.replaced_at IS NOT NULL AS replaced
         FROM web_links l JOIN customers c ON c.id = l.customer_id
        WHERE l.period = ? AND NOT EXISTS (SELECT 1 FROM mail_outbox m WHERE m.link_id = l.id) ORDER BY l.id`,
      [period],
    )
    .map((row) => ({ customerNumber: row.number, customerName: row.name, createdAt: row.created_at, replaced: row.replaced === 1 }));
}

/**
 * Takes a queued e-mail for sending until `until`, if it is still one `dueMails(now,
 * everyQueued)` gives: not sent, failed or taken by another sender (`send-requests` beside
 * the app) since it was read. False then, and it is not sent here. An e-mail whose sender
 * dies while it is out is taken again once `until` has passed.
 */
export function claimMail(db: Database, id: number, now: string, until: string, everyQueued = false): boolean {
  return (
    db.run(`UPDATE mail_outbox SET claimed_until = ? WHERE id = ? AND ${DUE}`, [until, id, ...dueParams(now, everyQueued)])
      .changes === 1
  );
}

export function markMailSent(db: Database, id: number, messageId: string, now: string): void {
  db.run(
    `UPDATE mail_outbox SET status = 'sent', token = NULL, sent_at = ?, message_id = ?, attempts = attempts + 1, last_error = NULL,
            claimed_until = NULL
      WHERE id = ? AND status = 'pending'`,
    [now, messageId, id],
  );
}

export function markMailFailed(db: Database, id: number, error: string, retryAt: string): void {
  db.run(
    `UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, claimed_until = NULL
      WHERE id = ? AND status = 'pending'`,
    [error.slice(0, 1000), retryAt, id],
  );
}

export interface WebSubmissionRecord {
  portalKey: string;
  linkId: number;
  deviceId: number;
  enteredOn: IsoDate;
  flagged: boolean;
  values: SubmissionValue[];
  state: SubmissionState;
  reason: string | null;
  readingId: number | null;
}

export function hasSubmission(db: Database, portalKey: string): boolean {
  return db.get('SELECT 1 FROM web_submissions WHERE portal_key = ?', [portalKey]) !== undefined;
}

export function insertSubmission(db: Database, record: WebSubmissionRecord, now: string): number {
  return db.run(
    `INSERT INTO web_submissions (portal_key, link_id, device_id, entered_on, flagged, counter_values, state, reason, reading_id, received_at)
     VALUES (@portalKey, @linkId, @deviceId, @enteredOn, @flagged, @values, @state, @reason, @readingId, @now)`,
    { ...record, values: JSON.stringify(record.values), now },
  ).lastInsertRowid;
}

interface SubmissionDbRow {
  id: number;
  portal_key: string;
  link_id: number;
  period: string;
  customer_id: number;
  number: string;
  name: string;
  device_id: number;
  equipment_id: string;
  model: string;
  position: string;
  entered_on: string;
  flagged: number;
  counter_values: string;
  state: SubmissionState;
  reason: string | null;
  reading_id: number | null;
  reading_status: string | null;
  reading_flagged: number | null;
  reading_values: string | null;
  period_reading_id: number | null;
  period_reading_status: ReadingStatus | null;
  period_reading_source: ReadingSource | null;
  period_reading_revision: number | null;
  period_reading_values: string | null;
  received_at: string;
  decided_by: string | null;
  decided_at: string | null;
}

const SUBMISSION_SELECT = `SELECT s.id, s.portal_key, s.link_id, l.period, c.id AS customer_id, c.number, c.name, s.device_id,
  d.equipment_id, d.model, d.position, s.entered_on, s.flagged, s.counter_values, s.state, s.reason, s.reading_id,
  r.status AS reading_status, r.flagged AS reading_flagged,
  (SELECT json_group_array(json_array(rc.kind, rc.new_value)) FROM reading_counters rc WHERE rc.reading_id = r.id) AS reading_values,
  pr.id AS period_reading_id, pr.status AS period_reading_status, pr.source AS period_reading_source, pr.revision AS period_reading_revision,
  (SELECT json_group_array(json_array(rc.kind, rc.new_value)) FROM reading_counters rc WHERE rc.reading_id = pr.id) AS period_reading_values,
  s.received_at, s.decided_by, s.decided_at
  FROM web_submissions s JOIN web_links l ON l.id = s.link_id JOIN customers c ON c.id = l.customer_id
  JOIN devices d ON d.id = s.device_id LEFT JOIN readings r ON r.id = s.reading_id
  -- A kept-aside value beside the office's reading of its period (readingOfPeriod), for the clerk to compare.
  LEFT JOIN readings pr ON s.state = 'held' AND pr.id = (
    SELECT id FROM readings WHERE device_id = s.device_id
       AND valid_to BETWEEN l.period || '-01' AND date(l.period || '-01', '+1 month', '-1 day')
     ORDER BY date DESC, id DESC LIMIT 1)`;

function toSubmission(row: SubmissionDbRow): WebSubmission {
  return {
    id: row.id,
    portalKey: row.portal_key,
    linkId: row.link_id,
    period: row.period,
    customerId: row.customer_id,
    customerNumber: row.number,
    customerName: row.name,
    deviceId: row.device_id,
    equipmentId: row.equipment_id,
    model: row.model,
    position: row.position,
    enteredOn: row.entered_on,
    flagged: row.flagged === 1,
    values: JSON.parse(row.counter_values) as SubmissionValue[],
    state: row.state,
    reason: row.reason,
    readingId: row.reading_id,
    readingStatus: row.reading_status,
    readingFlagged: row.reading_flagged === null ? null : row.reading_flagged === 1,
    readingValues:
      row.reading_id === null || row.reading_values === null
        ? null
        : (JSON.parse(row.reading_values) as Array<[CounterKind, number]>).map(([kind, value]) => ({ kind, value })),
    periodReading:
      row.period_reading_id === null
        ? null
        : {
            id: row.period_reading_id,
            status: row.period_reading_status!,
            source: row.period_reading_source!,
            revision: row.period_reading_revision!,
            values: (JSON.parse(row.period_reading_values ?? '[]') as Array<[CounterKind, number]>).map(([kind, value]) => ({ kind, value })),
          },
    receivedAt: row.received_at,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
  };
}

/** The web submissions of recent periods: kept aside first, then flagged, then the newest. */
export function listSubmissions(db: Database, fromPeriod: string): WebSubmission[] {
  return db
    .all<SubmissionDbRow>(
      `${SUBMISSION_SELECT} WHERE l.period >= ?
        ORDER BY s.state = 'held' DESC, coalesce(r.flagged, s.flagged) DESC, s.received_at DESC, c.number, d.position`,
      [fromPeriod],
    )
    .map(toSubmission);
}

export function getSubmission(db: Database, id: number): WebSubmission | undefined {
  const row = db.get<SubmissionDbRow>(`${SUBMISSION_SELECT} WHERE s.id = ?`, [id]);
  return row && toSubmission(row);
}

export function decideSubmission(
  db: Database,
  id: number,
  decision: { state: SubmissionState; readingId: number | null; by: string },
  now: string,
): void {
  db.run(
    `UPDATE web_submissions SET state = @state, reading_id = coalesce(@readingId, reading_id), decided_by = @by, decided_at = @now
      WHERE id = @id`,
    { id, ...decision, now },
  );
}

export function startSyncRun(db: Database, now: string): number {
  return db.run('INSERT INTO sync_runs (started_at) VALUES (?)', [now]).lastInsertRowid;
}

export function finishSyncRun(
  db: Database,
  id: number,
  result: { published: number; collected: number; applied: number; held: number; error: string | null },
  now: string,
): void {
  db.run(
    `UPDATE sync_runs SET finished_at = @now, published = @published, collected = @collected, applied = @applied,
       held = @held, error = @error WHERE id = @id`,
    { id, ...result, now },
  );
}

export function lastSyncRun(db: Database, successfulOnly = false): SyncRun | undefined {
  return db.get<SyncRun>(
    `SELECT started_at AS startedAt, finished_at AS finishedAt, published, collected, applied, held, error FROM sync_runs
      ${successfulOnly ? 'WHERE finished_at IS NOT NULL AND error IS NULL' : ''} ORDER BY id DESC LIMIT 1`,
  );
}

/** A reading of the device dated from `from` on (a clerk recorded the period already). */
export function readingSince(db: Database, deviceId: number, from: IsoDate): { id: number; source: string } | undefined {
  return db.get('SELECT id, source FROM readings WHERE device_id = ? AND date >= ? ORDER BY date DESC, id DESC LIMIT 1', [deviceId, from]);
}

/** A device's reading of a period: the latest whose validity ends in it (as the period overview counts it). */
export function readingOfPeriod(db: Database, deviceId: number, from: IsoDate, to: IsoDate): { id: number; source: string } | undefined {
  return db.get(
    'SELECT id, source FROM readings WHERE device_id = ? AND valid_to BETWEEN ? AND ? ORDER BY date DESC, id DESC LIMIT 1',
    [deviceId, from, to],
  );
}

/** Withdraws a queued e-mail whose link has ended, unless another sender has it out (`claimMail`). */
export function cancelMail(db: Database, id: number, now: string): void {
  db.run(
    `UPDATE mail_outbox SET status = 'cancelled', token = NULL WHERE id = ? AND status = 'pending' AND ${UNCLAIMED}`,
    [id, now],
  );
}

/**
 * One customer's devices in service during [from, to] under a contract running then, with
 * the contract's billing rhythm — what the period overview lists, for one customer, read
 * through the customer's contracts (indexes contracts_by_customer, devices_by_contract): the
 * requests and the sync ask this per customer, and a scan of the fleet each time would cost
 * customers × devices.
 */
export function customerDevicesInPeriod(
  db: Database,
  customerId: number,
  from: IsoDate,
  to: IsoDate,
): Array<{ deviceId: number; intervalMonths: number; startMonth: number }> {
  return db.all(
    `SELECT d.id AS deviceId, k.interval_months AS intervalMonths, k.start_month AS startMonth
       FROM customers c JOIN contracts k ON k.customer_id = c.id JOIN devices d ON d.contract_id = k.id
      WHERE c.id = @customerId AND ${IN_SERVICE_DURING}
      ORDER BY k.number, d.position, d.id`,
    { customerId, from, to },
  );
}

