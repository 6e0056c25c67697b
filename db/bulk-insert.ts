/**
 * Rows of one table written many to a statement (`INSERT … VALUES (…), (…), …`), for the
 * synthetic dealer's millions of readings. Each statement run crosses from JavaScript into the
 * driver, binds, steps and resets, and SQLite builds the lookup tables of the CHECKs'
 * `IN (…)` lists once per run: with 64 rows a run those costs are shared by 64 rows.
 *
 * A table whose rows reference another's (reading_counters → readings) is given that table as
 * `parent`: it then writes only right after its parent has, so a foreign key never points at
 * a row still waiting in a buffer.
 */
import type { Database, SqlValue } from './database';

export class BulkInsert {
  private readonly values: SqlValue[] = [];
  private readonly children: BulkInsert[] = [];
  private readonly width: number;
  private readonly rowsPerStatement: number;
  private readonly one: string;
  private readonly many: string;

  constructor(
    private readonly db: Database,
    table: string,
    columns: readonly string[],
    private readonly options: { rowsPerStatement?: number; parent?: BulkInsert } = {},
  ) {
    this.width = columns.length;
    this.rowsPerStatement = options.rowsPerStatement ?? 64;
    const row = `(${columns.map(() => '?').join(', ')})`;
    const head = `INSERT INTO ${table} (${columns.join(', ')}) VALUES `;
    this.one = head + row;
    this.many = head + Array.from({ length: this.rowsPerStatement }, () => row).join(', ');
    options.parent?.children.push(this);
  }

  /** Buffers one row (`columns.length` values, in their order). */
  add(row: readonly SqlValue[]): void {
    if (row.length !== this.width)
      throw new RangeError(`a row of ${this.width} values expected, not ${row.length}`);
    for (const value of row) this.values.push(value);
    if (!this.options.parent && this.values.length >= this.width * this.rowsPerStatement)
      this.write(false);
  }

  /** Writes every buffered row, this table's first and then its children's. */
  flush(): void {
    this.write(true);
  }

  /** Full statements only unless `all`; the rest of a last, partial one go in one by one. */
  private write(all: boolean): void {
    const batch = this.width * this.rowsPerStatement;
    let at = 0;
    for (; this.values.length - at >= batch; at += batch)
      this.db.run(this.many, this.values.slice(at, at + batch));
    if (all)
      for (; at < this.values.length; at += this.width)
        this.db.run(this.one, this.values.slice(at, at + this.width));
    this.values.splice(0, at);
    for (const child of this.children) child.write(all);
  }
}
