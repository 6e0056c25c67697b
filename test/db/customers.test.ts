import { describe, expect, it } from 'vitest';
import type { ApiArgs } from '../../shared/api';
import { rejection, testCore } from './helpers';


const NEW: ApiArgs<'customers-save'> = {
  number: '400500',
  name: 'Bureau Service Sàrl',
  language: 'fr',
  webReading: true,
  emails: ['Compta@Bureau-Service.example', ' compta@bureau-service.example '],
  address: 'Rue du Lac 12\n1003 Lausanne',
  note: '',
};

describe('customers (issue 7)', () => {
  it('creates a customer, tidying its e-mail addresses, with an audit entry', async () => {
    const core = testCore({ demo: false });
    const saved = await core.api['customers-save'](NEW);
    expect(saved).toMatchObject({ number: '400500', name: 'Bureau Service Sàrl', emails: ['compta@bureau-service.example'], archived: false, revision: 0 });
    expect(saved.address).toBe('Rue du Lac 12\n1003 Lausanne');
    const detail = await core.api['customers-get']({ number: '400500' });
    expect(detail).toMatchObject({ customer: saved, contracts: [], devices: [], hasReadings: false });
    expect((await core.api['audit-list']({ entity: 'customer', entityId: saved.id }))[0]).toMatchObject({ action: 'create', author: 'test-clerk' });
  });

  it('refuses a number already taken, naming its holder, and writes nothing', async () => {
    const core = testCore();
    const error = await rejection(core.api['customers-save']({ ...NEW, number: '999999' }));
    expect(error.issues).toEqual([{ field: 'number', code: 'number-taken', params: { name: 'Fiduciaire du Léman SA' } }]);
    expect((await core.api['customers-search']({ query: 'Bureau' })).total).toBe(0);
  });

  it('checks every field with a clear reason', async () => {
    const core = testCore({ demo: false });
    const error = await rejection(
      core.api['customers-save']({ ...NEW, number: '12a', name: '  ', emails: ['not-an-address'], address: 'x'.repeat(501), note: 'x'.repeat(2001) }),
    );
    expect(error.issues).toEqual([
      { field: 'number', code: 'not-digits' },
      { field: 'name', code: 'required' },
      { field: 'emails', code: 'email-invalid', params: { value: 'not-an-address' } },
      { field: 'address', code: 'too-long', params: { max: 500 } },
      { field: 'note', code: 'too-long', params: { max: 2000 } },
    ]);
    const noMail = await rejection(core.api['customers-save']({ ...NEW, emails: [] }));
    expect(noMail.issues).toEqual([{ field: 'emails', code: 'emails-required' }]);
  });

  it('renaming a customer reaches the device search', async () => {
    const core = testCore();
    const { customer } = await core.api['customers-get']({ number: '100234' });
    await core.api['customers-save']({ ...customer, name: 'Muster & Söhne AG' });
    const found = await core.api['devices-search']({ query: 'sohne' });
    expect(found.rows.map((row) => [row.equipmentId, row.customerName])).toEqual([['3.100.001', 'Muster & Söhne AG']]);
    const audit = await core.api['audit-list']({ entity: 'customer', entityId: customer.id });
    expect(audit.at(-1)?.changes).toEqual({ name: ['Muster AG', 'Muster & Söhne AG'] });
  });

  it('refuses a stale revision instead of overwriting another clerk’s change', async () => {
    const core = testCore();
    const { customer } = await core.api['customers-get']({ number: '100234' });
    await core.api['customers-save']({ ...customer, note: 'first' });
    expect((await rejection(core.api['customers-save']({ ...customer, note: 'second' }))).code).toBe('conflict');
  });

  it('archives a customer with readings instead of deleting it; the list hides it unless asked', async () => {
    const core = testCore();
    const { customer, hasReadings, devices } = await core.api['customers-get']({ number: '999999' });
    expect(hasReadings).toBe(true);
    expect(devices.map((d) => d.equipmentId)).toEqual(['3.022.790', '3.024.072', '3.033.923']);
    const refused = await rejection(core.api['customers-delete']({ id: customer.id, revision: customer.revision }));
    expect(refused.issues).toEqual([{ field: 'customer', code: 'has-readings' }]);
    expect((await core.api['devices-search']({ query: '999999' })).total).toBe(3);

    const archived = await core.api['customers-archive']({ id: customer.id, revision: customer.revision, archived: true });
    expect(archived.archived).toBe(true);
    expect((await core.api['customers-search']({ query: '' })).rows.map((r) => r.number)).not.toContain('999999');
    expect((await core.api['customers-search']({ query: 'leman', includeArchived: true })).rows).toMatchObject([
      { number: '999999', archived: true, contracts: 1, devices: 3 },
    ]);
  });

  it('deletes a customer without readings together with its contracts and devices', async () => {
    const core = testCore();
    const { customer } = await core.api['customers-get']({ number: '100234' });
    await core.api['customers-delete']({ id: customer.id, revision: customer.revision });
    await expect(core.api['customers-get']({ number: '100234' })).rejects.toMatchObject({ code: 'not-found' });
    expect((await core.api['devices-search']({ query: '3.100.001' })).total).toBe(0);
    expect(core.db.integrityCheck()).toBe('ok');
    expect(core.db.all('PRAGMA foreign_key_check')).toEqual([]);
  });
});
