import { expect, type Locator, type Page } from '@playwright/test';

/** The back-office as a clerk sees it: the search, a device page, the meter dialog. */
export class MeterdeskPage {
  readonly search: Locator;
  readonly dialog: Locator;

  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {
    this.search = page.getByRole('searchbox', { name: 'Suche', exact: true });
    this.dialog = page.getByRole('dialog');
  }

  /**
   * Answers the next question the page asks (window.confirm): accepted or dismissed. Returns
   * the question as asked, empty until it is (to poll).
   */
  answerNextQuestion(answer: 'accept' | 'dismiss'): () => string {
    let asked = '';
    this.page.once('dialog', (dialog) => {
      asked = dialog.message();
      void (answer === 'accept' ? dialog.accept() : dialog.dismiss());
    });
    return () => asked;
  }

  async open(hash = '#/'): Promise<void> {
    await this.page.goto(`${this.baseUrl}/${hash}`);
    await expect(this.search).toBeVisible();
  }

  /** Searches, then opens the result row with the keyboard (Enter on the grid). */
  async findDevice(query: string, equipmentId: string): Promise<void> {
    await this.search.fill(query);
    await this.search.press('ArrowDown');
    // ↓ moves the keyboard into the results once they answer the query typed.
    const results = this.gridRows(/^\d+ (Gerät|Geräte)$/);
    await expect(results).toHaveCount(1);
    await expect(results.filter({ hasText: equipmentId })).toHaveCount(1);
    await expect(this.page.locator('[role="gridcell"]:focus')).toHaveCount(1);
    await this.page.keyboard.press('Enter');
    await expect(this.page).toHaveURL(new RegExp(`#/devices/${equipmentId.replace(/\./g, '\\.')}$`));
    await expect(this.page.getByRole('heading', { level: 1 })).toContainText(equipmentId);
  }

  async newReading(): Promise<void> {
    await this.page.getByRole('button', { name: 'Neuer Zählerstand' }).click();
    await expect(this.dialog).toBeVisible();
    await expect(this.dialog.getByRole('heading', { name: 'Zählerstand eintragen' })).toBeVisible();
  }

  /** A new reading of the device from its page: each counter's *Zählerstand neu* by its kind's name, then F2. */
  async recordReading(equipmentId: string, values: Record<string, string>): Promise<void> {
    await this.open(`#/devices/${equipmentId}`);
    await this.newReading();
    for (const [kind, value] of Object.entries(values)) await this.field(`${kind} Zählerstand neu`).fill(value);
    await this.page.keyboard.press('F2');
    await expect(this.dialog).toBeHidden();
  }

  field(name: string): Locator {
    return this.dialog.getByRole('textbox', { name, exact: true });
  }

  historyRows(): Locator {
    return this.gridRows('Zählerstände');
  }

  /**
   * The headers of the grid whose region has this name that are not wholly in view at the
   * page's width: past the grid's edge, or under its column pinned to the right.
   */
  columnsOutOfView(region: string | RegExp): Promise<string[]> {
    return this.page
      .getByRole('region', { name: region })
      .locator('.ag-root')
      .evaluate((root) => {
        const pinned = root.querySelector('.ag-header-cell-first-right-pinned');
        const limit = pinned ? pinned.getBoundingClientRect().left : root.getBoundingClientRect().right;
        return [...root.querySelectorAll('.ag-header-cell')]
          .filter((cell) => cell !== pinned && cell.getBoundingClientRect().right > limit + 1)
          .map((cell) => (cell.textContent ?? '').trim());
      });
  }

  /** The data rows of the grid whose region has this name. */
  gridRows(region: string | RegExp): Locator {
    return this.page
      .getByRole('region', { name: region })
      .getByRole('row')
      .filter({ has: this.page.getByRole('gridcell') });
  }
}
