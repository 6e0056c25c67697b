import { describe, expect, it } from 'vitest';
import { detectImportKind } from '../../shared/import/reading-fields';
import { autoMapping } from '../../shared/import/master-fields';

const headers = (line: string) => line.split(/[;,]/);

describe('what a file holds, recognised from its headers', () => {
  it.each([
    ['Geräte-ID;Datum;Zähler;Stand', 'readings'],
    ['Seriennummer;Datum;Zähler;Wert', 'readings'],
    ['Equipment ID;Date;Black;Colour', 'readings'],
    ['N° de série;Date;Noir;Couleur', 'readings'],
    ['Geräte-ID,Vertrag,Position,Modell,Standort,Seriennummer,Installationsdatum,Zählerstand Schwarz,Zählerstand Farbe', 'devices'],
    ['Vertrag,Kundennummer,Vertragsbeginn,Intervall,Freikopien Schwarz,Preis Schwarz,Freikopien Farbe,Preis Farbe', 'contracts'],
    ['Kundennummer;Name;Sprache;Web;E-Mail;Bemerkung', 'customers'],
    // Nothing complete: the master kind that fits best, mapped by hand in the preview.
    ['Geräte-ID;Stand', 'devices'],
  ])('%s → %s', (line, kind) => {
    expect(detectImportKind(headers(line))).toBe(kind);
  });
});

describe("the app's own words as column names", () => {
  it.each([['Web-Erfassung'], ['Relevés par Internet'], ['Zählerstände per Web'], ['Web reading']])('%s → web reading', (header) => {
    expect(autoMapping('customers', ['Kundennummer', 'Name', header])).toMatchObject({ webReading: header });
  });
});
