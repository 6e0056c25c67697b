/**
 * Customers (issue 7): list, detail, create and edit, archive, delete. A customer with
 * readings is never deleted, only archived: its readings are the dealer's billing history.
 */
import { diff } from '../../../db/queries/audit';
import {
  contractsOfCustomer,
  customerHasReadings,
  deleteCustomer,
  devicesOf,
  getCustomer,
  getCustomerByNumber,
  insertCustomer,
  searchCustomers,
  setCustomerArchived,
  updateCustomer,
} from '../../../db/queries/master-data';
import type { ApiArgs } from '../../../shared/api';
import { ApiError } from '../../../shared/errors';
import type { Customer, CustomerDetail, CustomerSummary } from '../../../shared/models';
import { checkCustomer } from '../../../shared/rules/master-data';
import { audit, timestamp, type CoreContext } from '../context';

const LIST_LIMIT = 2_000;

function requireCustomer(core: CoreContext, id: number, revision: number): Customer {
  const customer = getCustomer(core.db, id);
  if (!customer) throw new ApiError('not-found', `no customer ${id}`);
  if (customer.revision !== revision) {
    throw new ApiError(
      'conflict',
      'this customer was changed by someone else in the meantime; reopen it',
    );
  }
  return customer;
}

function auditFields(
  customer: Omit<Customer, 'id' | 'revision' | 'archived'>,
): Record<string, unknown> {
  return {
    number: customer.number,
    name: customer.name,
    language: customer.language,
    webReading: customer.webReading,
    emails: customer.emails.join(', '),
    address: customer.address,
    note: customer.note,
  };
}

export function customersSearch(
  core: CoreContext,
  args: ApiArgs<'customers-search'>,
): { rows: CustomerSummary[]; total: number } {
  return searchCustomers(core.db, args.query, args.includeArchived ?? false, LIST_LIMIT);
}

export function customerDetail(core: CoreContext, args: ApiArgs<'customers-get'>): CustomerDetail {
  const customer = getCustomerByNumber(core.db, args.number);
  if (!customer) throw new ApiError('not-found', `no customer with number ${args.number}`);
  return {
    customer,
    contracts: contractsOfCustomer(core.db, customer.id),
    devices: devicesOf(core.db, { customerId: customer.id }),
    hasReadings: customerHasReadings(core.db, customer.id),
  };
}

export function saveCustomer(core: CoreContext, args: ApiArgs<'customers-save'>): Customer {
  const input = {
    number: args.number.trim(),
    name: args.name.trim(),
    language: args.language,
    webReading: args.webReading,
    emails: [
      ...new Set(args.emails.map((email) => email.trim().toLowerCase()).filter(Boolean)),
    ].sort(),
    // Lines as typed, without the blanks around them.
    address: args.address
      .split(/\r?\n/)
      .map((line) => line.trim())
      .join('\n')
      .trim(),
    note: args.note.trim(),
  };
  return core.db.transaction(() => {
    const issues = checkCustomer(input);
    const holder = input.number && getCustomerByNumber(core.db, input.number);
    if (holder && holder.id !== args.id) {
      issues.push({ field: 'number', code: 'number-taken', params: { name: holder.name } });
    }
    if (issues.length > 0) throw new ApiError('validation', 'the customer was not saved', issues);
    const now = timestamp(core);
    if (args.id === undefined) {
      const id = insertCustomer(core.db, input, now);
      audit(core, now, 'customer', id, 'create', diff({}, auditFields(input)));
      return getCustomer(core.db, id) as Customer;
    }
    const before = requireCustomer(core, args.id, args.revision ?? -1);
    const changes = diff(auditFields(before), auditFields(input));
    if (Object.keys(changes).length === 0) return before;
    updateCustomer(core.db, args.id, input, now);
    audit(core, now, 'customer', args.id, 'update', changes);
    return getCustomer(core.db, args.id) as Customer;
  });
}

export function archiveCustomer(core: CoreContext, args: ApiArgs<'customers-archive'>): Customer {
  return core.db.transaction(() => {
    const before = requireCustomer(core, args.id, args.revision);
    if (before.archived === args.archived) return before;
    const now = timestamp(core);
    setCustomerArchived(core.db, args.id, args.archived, now);
    audit(core, now, 'customer', args.id, 'update', { archived: [before.archived, args.archived] });
    return getCustomer(core.db, args.id) as Customer;
  });
}

export function deleteCustomerById(
  core: CoreContext,
  args: ApiArgs<'customers-delete'>,
): { deleted: true } {
  return core.db.transaction(() => {
    const before = requireCustomer(core, args.id, args.revision);
    if (customerHasReadings(core.db, args.id)) {
      throw new ApiError('validation', 'a customer with readings can only be archived', [
        { field: 'customer', code: 'has-readings' },
      ]);
    }
    deleteCustomer(core.db, args.id);
    const now = timestamp(core);
    audit(core, now, 'customer', args.id, 'delete', diff(auditFields(before), {}));
    return { deleted: true };
  });
}
