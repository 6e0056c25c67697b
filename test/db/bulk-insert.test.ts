import { describe, expect, it } from 'vitest';
import { BulkInsert } from '../../db/bulk-insert';
import { testCore } from './helpers';

describe('BulkInsert: rows many to a statement', () => {
  it('writes full statements as they fill, the rest on flush, children only after their parent', () => {
    const core = testCore({ demo: true });
    const device = core.db.get<{ id: number }>('SELECT min(id) AS id FROM devices')!.id;
    core.db.transaction(() => {
      const readings = new BulkInsert(
        core.db,
        'readings',
        [
          'id',
          'device_id',
          'date',
          'valid_from',
          'valid_to',
          'source',
          'author',
          'created_at',
          'updated_at',
        ],
        {
          rowsPerStatement: 4,
        },
      );
      const counters = new BulkInsert(
        core.db,
        'reading_counters',
        ['reading_id', 'kind', 'old_value', 'new_value'],
        { rowsPerStatement: 3, parent: readings },
      );
      const count = () =>
        core.db.get<{ r: number; c: number }>(
          'SELECT (SELECT count(*) FROM readings WHERE id >= 1000) AS r, (SELECT count(*) FROM reading_counters WHERE reading_id >= 1000) AS c',
        )!;
      for (let i = 0; i < 10; i++) {
        readings.add([
          1000 + i,
          device,
          '2030-01-20',
          '2030-01-01',
          '2030-01-31',
          'manual',
          'test',
          't',
          't',
        ]);
        // Two counters a reading: the foreign key holds only if each is written after its reading.
        counters.add([1000 + i, 'black', i, i + 1]);
        counters.add([1000 + i, 'color', i, i + 2]);
        if (i === 2) expect(count()).toEqual({ r: 0, c: 0 });
      }
      // Two full statements of readings, written as the 8th came in; with them the full statements
      // of the 14 counters held then (12).
      expect(count()).toEqual({ r: 8, c: 12 });
      expect(() => readings.add([1, 2])).toThrow(RangeError);
      readings.flush();
      expect(count()).toEqual({ r: 10, c: 20 });
    });
    expect(core.db.all('SELECT * FROM pragma_foreign_key_check')).toEqual([]);
    expect(
      core.db.get('SELECT usage FROM reading_counters WHERE reading_id = 1009 AND kind = ?', [
        'color',
      ]),
    ).toEqual({ usage: 2 });
  });
});
