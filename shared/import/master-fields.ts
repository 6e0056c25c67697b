/**
 * The columns of a master-data import (issue 7) and how a dealer's export names them. A
 * header matches when, lower-cased without accents, spaces and punctuation, it equals one of
 * a field's names; the user maps the rest in the preview, and the mapping is saved per source.
 */
import { COUNTER_KINDS, type CounterKind } from '../models';

export const MASTER_KINDS = ['customers', 'contracts', 'devices'] as const;
export type MasterKind = (typeof MASTER_KINDS)[number];

export interface FieldSpec {
  key: string;
  required: boolean;
  names: string[];
}

/** A column mapping: our field key → the file's header. */
export type ColumnMapping = Record<string, string>;

export function normaliseHeader(header: string): string {
  return header
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** A serial number's column, as the master data and the meter import find it (normalised). */
export const SERIAL_NUMBER_NAMES = [
  'seriennummer',
  'seriennr',
  'serial',
  'serialnumber',
  'serialno',
  'sn',
  'ns',
  'nserie',
  'ndeserie',
  'noserie',
  'numeroserie',
  'numerodeserie',
];

const KIND_NAMES: Record<CounterKind, string[]> = {
  black: ['schwarz', 'sw', 'black', 'bw', 'noir', 'noirblanc', 'mono'],
  scan: ['scan', 'scans'],
  color: ['farbe', 'color', 'colour', 'couleur'],
  free1: ['frei1', 'free1', 'libre1'],
  free2: ['frei2', 'free2', 'libre2'],
};

/** Every way of joining a kind's names with the words of a column, both ways round. */
function kindNames(kind: CounterKind, words: string[]): string[] {
  return KIND_NAMES[kind].flatMap((name) =>
    words.flatMap((word) => [`${word}${name}`, `${name}${word}`]),
  );
}

const CUSTOMER_NUMBER = [
  'kundennummer',
  'kundennr',
  'kdnr',
  'customernumber',
  'customerno',
  'customer',
  'nduclient',
  'noclient',
  'numeroclient',
  'client',
  'kunde',
];
const CONTRACT_NUMBER = [
  'vertragsnummer',
  'vertragsnr',
  'vertrag',
  'contractnumber',
  'contractno',
  'contract',
  'ncontrat',
  'numerocontrat',
  'contrat',
];

export const MASTER_FIELDS: Record<MasterKind, FieldSpec[]> = {
  customers: [
    { key: 'number', required: true, names: [...CUSTOMER_NUMBER, 'number', 'nummer', 'numero'] },
    {
      key: 'name',
      required: true,
      names: ['name', 'kundenname', 'firma', 'customername', 'company', 'nom', 'raisonsociale'],
    },
    {
      key: 'language',
      required: false,
      names: ['sprache', 'korrespondenzsprache', 'language', 'langue'],
    },
    {
      key: 'webReading',
      required: false,
      names: [
        'web',
        'webablesung',
        'weberfassung',
        'zahlerstandeperweb',
        'webreading',
        'extranet',
        'saisieinternet',
        'relevesparinternet',
        'releveparinternet',
        'releveweb',
        'internet',
      ],
    },
    {
      key: 'emails',
      required: false,
      names: [
        'email',
        'emails',
        'emailadresse',
        'emailadressen',
        'mail',
        'courriel',
        'adresseemail',
      ],
    },
    {
      key: 'address',
      required: false,
      names: ['adresse', 'address', 'anschrift', 'postadresse', 'postaladdress', 'adressepostale', 'rechnungsadresse'],
    },
    {
      key: 'note',
      required: false,
      names: ['bemerkung', 'notiz', 'note', 'notes', 'remarque', 'comment', 'kommentar'],
    },
  ],
  contracts: [
    { key: 'number', required: true, names: CONTRACT_NUMBER },
    { key: 'customerNumber', required: true, names: CUSTOMER_NUMBER },
    {
      key: 'startDate',
      required: true,
      names: [
        'vertragsbeginn',
        'beginn',
        'start',
        'startdate',
        'debut',
        'datedebut',
        'von',
        'from',
      ],
    },
    {
      key: 'endDate',
      required: false,
      names: ['vertragsende', 'ende', 'end', 'enddate', 'fin', 'datefin', 'bis', 'to'],
    },
    {
      key: 'intervalMonths',
      required: false,
      names: [
        'abrechnungsintervall',
        'intervall',
        'interval',
        'intervalmonths',
        'monate',
        'months',
        'periodicite',
      ],
    },
    {
      key: 'startMonth',
      required: false,
      names: ['startmonat', 'abrechnungabmonat', 'startmonth', 'moisdebut'],
    },
    ...COUNTER_KINDS.flatMap((kind) => [
      {
        key: `${kind}Free`,
        required: false,
        names: kindNames(kind, [
          'freikopien',
          'frei',
          'free',
          'freecopies',
          'copiesgratuites',
          'gratuites',
        ]),
      },
      {
        key: `${kind}Price`,
        required: false,
        names: kindNames(kind, [
          'preis',
          'preisproseite',
          'price',
          'priceperpage',
          'prix',
          'prixparpage',
        ]),
      },
    ]),
  ],
  devices: [
    {
      key: 'equipmentId',
      required: true,
      names: [
        'geratid',
        'gerateid',
        'geraeteid',
        'equipmentid',
        'equipment',
        'id',
        'idmachine',
        'machineid',
      ],
    },
    { key: 'contractNumber', required: true, names: CONTRACT_NUMBER },
    { key: 'position', required: true, names: ['position', 'pos', 'posnr'] },
    {
      key: 'model',
      required: true,
      names: ['modell', 'model', 'modele', 'typ', 'type', 'geratetyp'],
    },
    {
      key: 'location',
      required: false,
      names: ['standort', 'location', 'emplacement', 'ort', 'aufstellort'],
    },
    {
      key: 'serialNumber',
      required: true,
      names: SERIAL_NUMBER_NAMES,
    },
    {
      key: 'installDate',
      required: true,
      names: [
        'installationsdatum',
        'installiert',
        'installdate',
        'installation',
        'dateinstallation',
        'installedon',
      ],
    },
    ...COUNTER_KINDS.map((kind) => ({
      key: `${kind}Start`,
      required: false,
      names: [
        ...KIND_NAMES[kind],
        ...kindNames(kind, [
          'zahlerstand',
          'zahlerstandakt',
          'zahler',
          'counter',
          'start',
          'compteur',
          'compteuractuel',
        ]),
      ],
    })),
  ],
};

/** The columns each field finds by its names; a header serves one field only. */
export function autoMapping(kind: MasterKind, headers: string[]): ColumnMapping {
  const mapping: ColumnMapping = {};
  const taken = new Set<string>();
  for (const field of MASTER_FIELDS[kind]) {
    const header = headers.find((h) => !taken.has(h) && field.names.includes(normaliseHeader(h)));
    if (header !== undefined) {
      mapping[field.key] = header;
      taken.add(header);
    }
  }
  return mapping;
}

/** The kind of records a file holds, guessed from its headers. */
export function detectKind(headers: string[]): MasterKind {
  const matched = (kind: MasterKind) =>
    MASTER_FIELDS[kind].filter(
      (field) => field.required && autoMapping(kind, headers)[field.key] !== undefined,
    ).length / MASTER_FIELDS[kind].filter((field) => field.required).length;
  return [...MASTER_KINDS].sort((a, b) => matched(b) - matched(a))[0] ?? 'customers';
}
