/** A refused call in the UI's words (src-renderer/issues.ts): what Web-Erfassung shows when a take-over is refused. */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/errors';
import { failureText } from '../../src-renderer/issues';

describe('failureText', () => {
  const refused = new ApiError('validation', 'the reading was not saved', [
    { field: 'black.new', code: 'new-below-old', params: { min: 404_805 } },
    { field: 'reading', code: 'period-reading-billed', params: { status: '11' } },
  ]);

  it('words each issue in the language, with the counter it concerns, instead of the English summary', () => {
    const german = failureText(refused, 'de', (message) => `Fehler: ${message}`);
    expect(german).toContain("Schwarz Zählerstand neu: Muss mindestens 404'805 sein (Zählerstand alt).");
    expect(german).toContain('Der Zählerstand dieser Periode ist abgerechnet oder verbucht (Status 11)');
    expect(german).not.toContain('the reading was not saved');
    expect(failureText(refused, 'fr', String)).toMatch(/^Noir-blanc nouveau compteur\u00a0: La valeur/);
  });

  it('leaves any other failure to the fallback', () => {
    expect(failureText(new Error('network down'), 'de', (message) => `Fehler: ${message}`)).toBe('Fehler: network down');
    expect(failureText(new ApiError('conflict', 'decided already'), 'de', (message) => `Fehler: ${message}`)).toBe('Fehler: decided already');
  });
});
