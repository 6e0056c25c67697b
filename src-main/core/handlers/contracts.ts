/**
 * Contracts (issue 7): number, term, billing interval, and per counter kind the free copies
 * per month and the price per page. A change of terms applies from a day on and never
 * before the end of what was already billed, so billed readings keep the terms they had.
 */
import { diff } from '../../../db/queries/audit';
import {
  billedUntil,
  firstReadingDay,
  getContractIdByNumber,
  moveFirstTerms,
  setTerms,
  termHistory,
  updateContract,
} from '../../../db/queries/contracts';
import {
  contractTerms,
  devicesOf,
  getContract,
  getCustomer,
  insertContract,
} from '../../../db/queries/master-data';
import type { ApiArgs } from '../../../shared/api';
import { addDays } from '../../../shared/dates';
import { ApiError, type FieldIssue } from '../../../shared/errors';
import type { Contract, ContractDetail, ContractTerm } from '../../../shared/models';
import { checkContract } from '../../../shared/rules/master-data';
import { audit, timestamp, today, type CoreContext } from '../context';

function termFields(terms: ContractTerm[]): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const term of terms) {
    fields[`terms.${term.kind}.freePerMonth`] = term.freePerMonth;
    fields[`terms.${term.kind}.pricePerPage`] = term.pricePerPage;
  }
  return fields;
}

function contractFields(
  contract: Pick<Contract, 'number' | 'startDate' | 'endDate' | 'startMonth'> & {
    intervalMonths: number;
  },
) {
  return {
    number: contract.number,
    startDate: contract.startDate,
    endDate: contract.endDate,
    intervalMonths: contract.intervalMonths,
    startMonth: contract.startMonth,
  };
}

/**
 * A contract with the terms its form shows: those in force today, or those it starts with when
 * it starts later (a contract entered ahead of its start has no terms in force yet).
 */
function contractAsShown(core: CoreContext, id: number): Contract | undefined {
  const day = today(core);
  const contract = getContract(core.db, id, day);
  return contract && contract.startDate > day ? getContract(core.db, id, contract.startDate) : contract;
}

export function contractDetail(core: CoreContext, args: ApiArgs<'contracts-get'>): ContractDetail {
  const id = getContractIdByNumber(core.db, args.number);
  const contract = id === undefined ? undefined : contractAsShown(core, id);
  const customer = contract && getCustomer(core.db, contract.customerId);
  if (!contract || !customer) throw new ApiError('not-found', `no contract ${args.number}`);
  return {
    contract,
    customer,
    termHistory: termHistory(core.db, contract.id),
    devices: devicesOf(core.db, { contractId: contract.id }),
    billedUntil: billedUntil(core.db, contract.id),
  };
}

/** A contract entered by mistake, with its terms: refused once a device was on it or a run billed it. */
export function deleteContractById(core: CoreContext, args: ApiArgs<'contracts-delete'>): { deleted: true } {
  return core.db.transaction(() => {
    // With the terms it starts with, for the change log, when it has not started yet.
    const before = contractAsShown(core, args.id);
    if (!before) throw new ApiError('not-found', `no contract ${args.id}`);
    if (before.revision !== args.revision) {
      throw new ApiError('conflict', 'this contract was changed by someone else in the meantime; reopen it');
    }
    const used = core.db.get(
      `SELECT 1 FROM devices WHERE contract_id = ? UNION ALL SELECT 1 FROM device_contracts WHERE contract_id = ?
       UNION ALL SELECT 1 FROM billing_contracts WHERE contract_id = ? LIMIT 1`,
      [args.id, args.id, args.id],
    );
    if (used) {
      throw new ApiError('validation', 'only a contract without devices and billing can be deleted', [
        { field: 'contract', code: 'contract-has-devices' },
      ]);
    }
    const fields = { ...contractFields(before), ...termFields(before.terms) };
    core.db.run('DELETE FROM contracts WHERE id = ?', [args.id]);
    audit(core, timestamp(core), 'contract', args.id, 'delete', diff(fields, {}));
    return { deleted: true };
  });
}

export function saveContract(core: CoreContext, args: ApiArgs<'contracts-save'>): Contract {
  const input = {
    number: args.number.trim(),
    startDate: args.startDate.trim(),
    endDate: args.endDate?.trim() || null,
    intervalMonths: args.intervalMonths,
    startMonth: args.startMonth,
    terms: args.terms,
  };
  return core.db.transaction(() => {
    if (!getCustomer(core.db, args.customerId))
      throw new ApiError('not-found', `no customer ${args.customerId}`);
    const issues: FieldIssue[] = checkContract(input);
    const holder = input.number ? getContractIdByNumber(core.db, input.number) : undefined;
    if (holder !== undefined && holder !== args.id)
      issues.push({ field: 'number', code: 'contract-number-taken' });
    const now = timestamp(core);

    if (args.id === undefined) {
      if (issues.length > 0) throw new ApiError('validation', 'the contract was not saved', issues);
      const id = insertContract(
        core.db,
        {
          ...input,
          customerId: args.customerId,
          intervalMonths: input.intervalMonths as Contract['intervalMonths'],
        },
        now,
      );
      audit(
        core,
        now,
        'contract',
        id,
        'create',
        diff({}, { ...contractFields(input), ...termFields(input.terms) }),
      );
      return contractAsShown(core, id) as Contract;
    }

    const before = contractAsShown(core, args.id);
    if (!before) throw new ApiError('not-found', `no contract ${args.id}`);
    if (before.revision !== args.revision) {
      throw new ApiError(
        'conflict',
        'this contract was changed by someone else in the meantime; reopen it',
      );
    }
    if (before.customerId !== args.customerId) {
      throw new ApiError('bad-request', 'a contract stays with its customer');
    }
    // Terms that differ from those in force on the day they are to apply from.
    // Not started yet: its terms are the ones it starts with, from its (possibly new) start.
    const termsFrom = args.termsFrom ?? (before.startDate > today(core) ? input.startDate : today(core));
    const inForce = contractTerms(core.db, args.id, termsFrom);
    const changedTerms = input.terms.filter((term) => {
      const current = inForce.find((t) => t.kind === term.kind);
      return (
        !current ||
        current.freePerMonth !== term.freePerMonth ||
        current.pricePerPage !== term.pricePerPage
      );
    });
    if (changedTerms.length > 0) {
      const billed = billedUntil(core.db, args.id);
      if (termsFrom < input.startDate) {
        issues.push({
          field: 'termsFrom',
          code: 'terms-before-start',
          params: { min: input.startDate },
        });
      } else if (billed && termsFrom <= billed) {
        issues.push({
          field: 'termsFrom',
          code: 'terms-before-billed',
          params: { min: addDays(billed, 1) },
        });
      }
    }
    // Its readings stay within it: a later start would leave them (billed ones too) without terms.
    const firstReading = input.startDate > before.startDate ? firstReadingDay(core.db, args.id) : null;
    if (firstReading !== null && input.startDate > firstReading) {
      issues.push({ field: 'startDate', code: 'start-after-readings', params: { max: firstReading } });
    }
    if (issues.length > 0) throw new ApiError('validation', 'the contract was not saved', issues);

    const changes = {
      ...diff(contractFields(before), contractFields(input)),
      ...diff(
        termFields(inForce.filter((t) => changedTerms.some((c) => c.kind === t.kind))),
        termFields(changedTerms),
      ),
    };
    if (Object.keys(changes).length === 0) return before;
    updateContract(core.db, args.id, contractFields(input), now);
    if (input.startDate !== before.startDate)
      moveFirstTerms(core.db, args.id, before.startDate, input.startDate);
    if (changedTerms.length > 0) setTerms(core.db, args.id, termsFrom, changedTerms);
    audit(
      core,
      now,
      'contract',
      args.id,
      'update',
      changedTerms.length > 0 ? { ...changes, termsFrom: [null, termsFrom] } : changes,
    );
    return contractAsShown(core, args.id) as Contract;
  });
}
