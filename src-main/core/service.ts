/**
 * The core service: implements the API contract once. Both transports (Electron IPC and the
 * browser mode's HTTP) hand every call to `dispatch`, which checks the arguments against the
 * contract's schema and turns every failure into a typed error body.
 */
import { storageFailure } from '../../db/database';
import { countCustomers } from '../../db/queries/master-data';
import { apiArgs, type Api, type ApiResponse, isApiName, type WebOverview } from '../../shared/api';
import { ApiError } from '../../shared/errors';
import { settingsOf, today, type CoreContext, type WebServices } from './context';
import { decideWebSubmission, openPeriod } from './web/web-reading';
import { saveSettings, settingsList } from './handlers/settings';
import { nextMissing, periodCounts, periodOverview, periodRows } from './handlers/period';
import { estimateMissing } from './handlers/estimates';
import { alertsList } from './handlers/alerts';
import { importReadings } from './import/reading-import';
import { billingRun, billingRuns, cancelBilling, postBilling, previewBilling, runBilling } from './handlers/billing';
import { handedOverLinks, lastSyncRun, listSubmissions, mailsOfPeriod } from '../../db/queries/web';
import { addMonths } from '../../shared/dates';
import { firstDayOf } from '../../shared/rules/web-reading';
import { loadDemoData } from './demo';
import { contractDetail, deleteContractById, saveContract } from './handlers/contracts';
import {
  deviceDetail,
  devicesSearch,
  moveDeviceToContract,
  retireDeviceWithReading,
  saveDevice,
  deviceConflicts,
  deleteDeviceById,
} from './handlers/devices';
import {
  confirmReadingById,
  deleteReadingById,
  readingDraft,
  saveReading,
} from './handlers/readings';
import { logger } from './log';
import { pendingRestores, restoreExpired } from '../jobs/backup';
import { backupByHand, backupRestore, backupsList } from './handlers/backups';
import { listAudit } from '../../db/queries/audit';
import { listMappings } from '../../db/queries/import-mappings';
import { importMaster } from './import/master-import';
import {
  archiveCustomer,
  customerDetail,
  customersSearch,
  deleteCustomerById,
  saveCustomer,
} from './handlers/customers';

const log = logger('core');

function webServices(context: CoreContext): WebServices {
  if (!context.web) throw new ApiError('internal', 'web reading is not running in this process');
  return context.web;
}

function webOverview(context: CoreContext): WebOverview {
  const period = openPeriod(context);
  const since = addMonths(firstDayOf(period), -2).slice(0, 7);
  return {
    period,
    submissions: listSubmissions(context.db, since),
    requests: [
      ...mailsOfPeriod(context.db, period).map((mail) => ({
        customerNumber: mail.customerNumber,
        customerName: mail.customerName,
        status: mail.status,
        replaced: mail.replaced,
        attempts: mail.attempts,
        lastError: mail.lastError,
        sentAt: mail.sentAt,
      })),
      ...handedOverLinks(context.db, period).map((link) => ({
        customerNumber: link.customerNumber,
        customerName: link.customerName,
        status: 'handed-over' as const,
        replaced: link.replaced,
        attempts: 0,
        lastError: null,
        sentAt: link.createdAt,
      })),
    ],
    lastSync: lastSyncRun(context.db) ?? null,
    available: context.web !== undefined,
  };
}

/** The handlers are synchronous (better-sqlite3); the contract is async for the transports. */
function op<A, R>(handler: (args: A) => R): (args: A) => Promise<R> {
  return (args) => new Promise((resolve) => resolve(handler(args)));
}

export function createCore(context: CoreContext): Api {
  return {
    'app-info': op(() => {
      const settings = settingsOf(context);
      return {
        version: context.version,
        today: today(context, settings),
        timeZone: settings.timeZone,
        language: settings.language,
        user: context.author,
        empty: countCustomers(context.db) === 0,
        // What a start now would carry out: an expired request is refused then, not announced.
        pendingRestores: context.dataDir
          ? pendingRestores(context.dataDir)
              .filter((request) => !restoreExpired(request, context.now()))
              .map(({ name, kind, requestedAt }) => ({ name, kind, requestedAt }))
          : [],
      };
    }),
    'demo-load': op(() => ({
      loaded: loadDemoData(context),
    })),
    'devices-search': op((args) => devicesSearch(context, args)),
    'devices-get': op((args) => deviceDetail(context, args)),
    'readings-draft': op((args) => readingDraft(context, args)),
    'readings-save': op((args) => saveReading(context, args)),
    'readings-delete': op((args) => deleteReadingById(context, args)),
    'readings-confirm': op((args) => confirmReadingById(context, args)),
    'customers-search': op((args) => customersSearch(context, args)),
    'customers-get': op((args) => customerDetail(context, args)),
    'customers-save': op((args) => saveCustomer(context, args)),
    'customers-archive': op((args) => archiveCustomer(context, args)),
    'customers-delete': op((args) => deleteCustomerById(context, args)),
    'contracts-delete': op((args) => deleteContractById(context, args)),
    'devices-delete': op((args) => deleteDeviceById(context, args)),
    'audit-list': op((args) => listAudit(context.db, args.entity, args.entityId)),
    'contracts-get': op((args) => contractDetail(context, args)),
    'contracts-save': op((args) => saveContract(context, args)),
    'devices-save': op((args) => saveDevice(context, args)),
    'devices-conflicts': op((args) => deviceConflicts(context, args)),
    'devices-move': op((args) => moveDeviceToContract(context, args)),
    'devices-retire': op((args) => retireDeviceWithReading(context, args)),
    'import-master-preview': (args) => importMaster(context, args, false),
    'import-master-run': (args) => importMaster(context, args, true),
    'import-mappings': op(() => listMappings(context.db)),
    'billing-preview': op((args) => previewBilling(context, args.period)),
    'billing-run': op((args) => runBilling(context, args.period)),
    'billing-runs': op((args) => billingRuns(context, args.period)),
    'billing-run-get': op((args) => billingRun(context, args.runId)),
    'billing-cancel': op((args) => cancelBilling(context, args.runId)),
    'billing-post': op((args) => postBilling(context, args.runId)),
    'import-readings-preview': (args) => importReadings(context, args, false),
    'import-readings-run': (args) => importReadings(context, args, true),
    'period-overview': op((args) => periodOverview(context, args.period)),
    'period-rows': op((args) => periodRows(context, args)),
    'period-counts': op((args) => periodCounts(context, args.period, args.search)),
    'period-export': op((args) => periodRows(context, { ...args, startRow: 0, endRow: null }).rows),
    'period-next-missing': op((args) => nextMissing(context, args.period, args.after)),
    'alerts-list': op(() => alertsList(context)),
    'readings-estimate': op((args) => estimateMissing(context, args.period, args.equipmentIds)),
    'settings-get': op(() => settingsList(context)),
    'backups-list': op(() => backupsList(context)),
    'backup-now': () => backupByHand(context),
    'backup-restore': op((args) => backupRestore(context, args)),
    'settings-save': op((args) => saveSettings(context, args.values)),
    'web-overview': op(() => webOverview(context)),
    'web-decide': op((args) => decideWebSubmission(context, args.id, args.action, args.revision)),
    'web-sync': () => webServices(context).sync(),
    'web-send-requests': (args) => webServices(context).sendRequests(args.period, { resend: args.resend, customerNumber: args.customerNumber }),
    'web-hand-over-link': (args) => webServices(context).handOverLink(args.customerNumber, args.period),
  };
}

/** One call from a transport: unknown names and malformed arguments never reach a handler. */
export async function dispatch(api: Api, name: unknown, args: unknown): Promise<ApiResponse<unknown>> {
  if (!isApiName(name)) {
    return { ok: false, error: { code: 'not-found', message: `unknown operation ${String(name)}` } };
  }
  const parsed = apiArgs[name].safeParse(args ?? {});
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || 'arguments'}: ${issue.message}`)
      .join('; ');
    return { ok: false, error: { code: 'bad-request', message: `${name}: ${detail}` } };
  }
  try {
    const handler = api[name] as (args: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.data) };
  } catch (error) {
    if (error instanceof ApiError) return { ok: false, error: error.toBody() };
    const storage = storageFailure(error);
    if (storage) {
      log.error({ err: error, operation: name }, 'operation failed: the database cannot be written');
      return { ok: false, error: { code: 'internal', message: storage } };
    }
    // Internal details go to the log, never to the caller.
    log.error({ err: error, operation: name }, 'operation failed');
    return { ok: false, error: { code: 'internal', message: 'internal error; see the log' } };
  }
}
