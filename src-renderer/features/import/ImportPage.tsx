import { useEffect, useRef, useState } from 'react';
import type { ImportReport, ReadingImportReport } from '../../../shared/api';
import { csvSafeText, csvText } from '../../../shared/csv';
import { ApiError, type FieldIssue } from '../../../shared/errors';
import { MASTER_FIELDS, MASTER_KINDS, type ColumnMapping, type MasterKind } from '../../../shared/import/master-fields';
import { csvHeaders, decodeCsv, isZip } from '../../../shared/import/csv-header';
import { detectImportKind, READING_FIELDS } from '../../../shared/import/reading-fields';
import { importFieldLabel } from '../../../shared/i18n/field-label';
import { formatDate, labelSeparator } from '../../../shared/format';
import type { Language } from '../../../shared/models';
import { auditText } from '../../components/audit-text';
import { downloadCsv } from '../../components/download';
import { TextField } from '../../components/Field';
import { useSaveKeys } from '../../components/useSaveKeys';
import { useLanguage } from '../../i18n';
import { describeIssue } from '../../issues';
import { api } from '../../platform/transport';

const SHOWN_ROWS = 300;
/** Rows with errors shown beyond the first rows: all of them are in the error list (CSV). */
const SHOWN_ERRORS = 500;

/**
 * What the file holds by its header line, read here before the file is sent: a fleet tool's
 * readings then go straight to the readings' preview. Null for a workbook (its first row is
 * read on the server: the master preview names its headers).
 */
function kindByHeaders(bytes: Uint8Array, fileName: string): ImportKind | null {
  if (isZip(bytes) || /\.xlsx$/i.test(fileName)) return null;
  // Whole lines only: a character cut in two would not be UTF-8.
  const head = bytes.subarray(0, 64 * 1024);
  const cut = head.length < bytes.length ? head.lastIndexOf(0x0a) : -1;
  return detectImportKind(csvHeaders(decodeCsv(cut > 0 ? head.subarray(0, cut) : head).text));
}

/** The file as base64, in chunks so a large export does not overflow the call stack. */
function base64Of(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

type ImportKind = MasterKind | 'readings';

/** The preview as this page shows it, for master data and for readings alike. */
/** The change log's name of each kind of record (its field names and values in words). */
const AUDIT_ENTITY: Record<ImportKind, string> = { customers: 'customer', contracts: 'contract', devices: 'device', readings: 'reading' };

/** `lines`: a reading's rows of the file (a row per counter), when it has several. */
type ImportView = Omit<ImportReport, 'kind' | 'rows'> & {
  kind: ImportKind;
  rows: Array<ImportReport['rows'][number] & { lines?: number[]; notices?: FieldIssue[] }>;
};

/** A meter import's report in the shape of the master-data preview: a row per reading. */
function readingsView(report: ReadingImportReport, language: Language): ImportView {
  return {
    ...report,
    kind: 'readings',
    rows: report.rows.map((row) => ({
      line: row.lines[0] ?? 0,
      lines: row.lines,
      key: [row.equipmentId, row.date ? formatDate(row.date, language) : ''].join(' ').trim(),
      action: row.action,
      issues: row.issues,
      notices: row.notices ?? [],
    })),
    counts: { ...report.counts, update: 0 },
  };
}

interface Loaded {
  fileName: string;
  content: string;
}

/** Master-data import: choose the file, check the preview and the column mapping, then import. */
export function ImportPage() {
  const { t, language } = useLanguage();
  const [kind, setKind] = useState<ImportKind | ''>('');
  // With the kind left to the columns: meter readings recognised in the file (master data
  // the server recognises itself).
  const [detected, setDetected] = useState<'readings' | null>(null);
  const [source, setSource] = useState('');
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  // The saved column mappings, by source and kind (the sources are named below the file field).
  const [saved, setSaved] = useState<Array<{ source: string; kind: ImportKind }>>([]);
  const sources = [...new Set(saved.map((m) => m.source))];
  const [mapping, setMapping] = useState<ColumnMapping | null>(null);
  const [report, setReport] = useState<ImportView | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const busy = useRef(false);

  useEffect(() => {
    void api.call('import-mappings', {}).then(setSaved);
  }, [report?.committed]);

  const args = (file: Loaded) => ({
    fileName: file.fileName,
    content: file.content,
    ...(source.trim() ? { source: source.trim() } : {}),
    ...(mapping ? { mapping } : {}),
  });
  // A source whose only saved mapping is a meter import's: its files are readings, whatever their headers.
  const readingsSource = source.trim() !== '' && saved.some((m) => m.source === source.trim()) && saved.every((m) => m.source !== source.trim() || m.kind === 'readings');
  const call = (file: Loaded, commit: boolean): Promise<ImportView> => {
    if (kind === 'readings' || (!kind && (detected === 'readings' || readingsSource))) {
      return api.call(commit ? 'import-readings-run' : 'import-readings-preview', args(file)).then((report) => readingsView(report, language));
    }
    return api.call(commit ? 'import-master-run' : 'import-master-preview', { ...args(file), ...(kind ? { kind } : {}) });
  };

  // Every change of file, kind, source or mapping shows the preview anew.
  useEffect(() => {
    if (!loaded) return;
    let current = true;
    call(loaded, false).then(
      (preview) => {
        if (!current) return;
        // A fleet tool's export read as master data: its preview is the readings' one.
        if (!kind && !detected && detectImportKind(preview.headers) === 'readings') {
          setDetected('readings');
          return;
        }
        setFailure(null);
        setReport(preview);
      },
      (error: Error) => {
        if (!current) return;
        setReport(null);
        setFailure(error instanceof ApiError ? error.message : t('app.error', { message: error.message }));
      },
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- args() reads exactly these
  }, [loaded, kind, source, mapping, detected, readingsSource]);

  // Master data goes in whole or not at all; of readings, the refused ones stay out.
  const canRun =
    report !== null &&
    !report.committed &&
    report.missingColumns.length === 0 &&
    (report.kind === 'readings' ? report.counts.create > 0 : report.counts.error === 0 && report.rows.length > 0);
  const run = () => {
    if (!canRun || !loaded || busy.current) return;
    busy.current = true;
    call(loaded, true)
      .then((result) => {
        setReport(result);
        if (result.committed) setMessage(t(result.kind === 'readings' ? 'import.readingsDone' : 'import.done', result.counts));
      })
      .catch((error: Error) => setFailure(error.message))
      .finally(() => {
        busy.current = false;
      });
  };
  useSaveKeys({ save: run, cancel: () => undefined });

  const fieldLabel = (field: string): string => importFieldLabel(field, language, report?.kind);

  // Columns of the file no field takes: said, so that nothing is left out unnoticed.
  const unmapped = report ? report.headers.filter((header) => header.trim() !== '' && !Object.values(mapping ?? report.mapping).includes(header)) : [];
  const problemText = (issue: FieldIssue) =>
    `${fieldLabel(issue.field)}${report?.mapping[issue.field] ? ` («${report.mapping[issue.field]}»)` : ''}${labelSeparator(language)}${describeIssue(issue, language)}`;
  // Beyond the first rows, those the clerk has to look at: refused, or written with a notice.
  const noticed = (row: ImportView['rows'][number]) => (row.notices?.length ?? 0) > 0;
  const laterErrors = report ? report.rows.slice(SHOWN_ROWS).filter((r) => r.action === 'error' || noticed(r)) : [];
  const withNotice = (code: string) => (report ? report.rows.filter((row) => row.notices?.some((notice) => notice.code === code)).length : 0);
  const coveredCount = withNotice('period-covered');
  const replacedCount = withNotice('estimate-replaced');
  const flaggedCount = withNotice('import-flagged');
  const shown = report ? [...report.rows.slice(0, SHOWN_ROWS), ...laterErrors.slice(0, SHOWN_ERRORS)] : [];
  const errorList = () => {
    if (!report || !loaded) return;
    // The file's own columns as they were, then its line and the problems: corrected in a
    // spreadsheet, the file imports again (the two columns added are left unmapped).
    const problems = new Map<number, string>();
    for (const row of report.rows.filter((r) => r.action === 'error')) {
      for (const line of row.lines ?? [row.line]) problems.set(line, row.issues.map(problemText).join(' | '));
    }
    // The file's cells as they were (they come back into the import), only the problems guarded.
    const rows = report.errorListRows.map(({ line, cells }) => [
      ...report.headers.map((_, index) => cells[index] ?? ''),
      line,
      csvSafeText(problems.get(line) ?? ''),
    ]);
    const name = loaded.fileName.replace(/\.[^.]*$/, '');
    downloadCsv(t('import.errorFile', { name }), csvText([[...report.headers, t('import.line'), t('import.problems')], ...rows]));
  };
  const fields = !report
    ? []
    : report.kind === 'readings'
      ? READING_FIELDS.map((field) => ({ ...field, required: false }))
      : MASTER_FIELDS[report.kind];

  return (
    <section className="master-page">
      <h1>{t('import.title')}</h1>
      <p className="muted">{t('import.intro')}</p>
      <div className="master-form">
        <div className="form-grid">
          <div className="field">
            <label htmlFor="import-kind">{t('import.kind')}</label>
            <select
              id="import-kind"
              value={kind}
              onChange={(event) => {
                setMapping(null);
                setDetected(null);
                setKind(event.target.value as ImportKind | '');
              }}
            >
              <option value="">{t('import.kindAuto')}</option>
              {[...MASTER_KINDS, 'readings' as const].map((k) => (
                <option key={k} value={k}>
                  {t(`import.kinds.${k}`)}
                </option>
              ))}
            </select>
          </div>
          <TextField id="import-source" label={t('import.source')} value={source} onChange={(v) => { setMapping(null); setSource(v); }} hint={t('import.sourceHint')} />
          <div className="field">
            <label htmlFor="import-file">{t('import.file')}</label>
            <input
              id="import-file"
              type="file"
              accept=".csv,.txt,.xlsx,text/csv"
              onChange={(event) => {
                const file = event.target.files?.[0];
                if (!file) return;
                setMessage(null);
                void file.arrayBuffer().then((buffer) => {
                  const bytes = new Uint8Array(buffer);
                  // All at once, with the new file: reset before it was read, the previous file's
                  // preview ran again and its answer ("readings") could stick to this one.
                  setMapping(null);
                  setDetected(kindByHeaders(bytes, file.name) === 'readings' ? 'readings' : null);
                  setLoaded({ fileName: file.name, content: base64Of(bytes) });
                });
              }}
            />
          </div>
        </div>
        {sources.length > 0 && <p className="muted small">{sources.join(' · ')}</p>}
      </div>

      {failure && (
        <p role="alert" className="error-banner">
          {failure}
        </p>
      )}
      {report && (
        <>
          <p className="muted">
            {t('import.read', { kind: t(`import.kinds.${report.kind}`), encoding: report.encoding })}
            {report.delimiter && ` · ${t('import.delimiter', { delimiter: report.delimiter === '\t' ? 'Tab' : report.delimiter })}`}
          </p>
          <h2>{t('import.mapping')}</h2>
          <table className="plain-table" aria-label={t('import.mapping')}>
            <thead>
              <tr>
                <th scope="col">{t('import.field')}</th>
                <th scope="col">{t('import.column')}</th>
              </tr>
            </thead>
            <tbody>
              {fields.map((field) => (
                <tr key={field.key}>
                  <th scope="row">
                    {fieldLabel(field.key)} {field.required && <span className="muted small">{t('import.required')}</span>}
                  </th>
                  <td>
                    <select
                      aria-label={`${fieldLabel(field.key)} – ${t('import.column')}`}
                      value={(mapping ?? report.mapping)[field.key] ?? ''}
                      onChange={(event) => {
                        // From the choices made so far, not the last preview's: two quick changes
                        // must both count while the preview of the first is on its way.
                        const next = { ...(mapping ?? report.mapping) };
                        if (event.target.value) next[field.key] = event.target.value;
                        else delete next[field.key];
                        setMapping(next);
                      }}
                    >
                      <option value="">{t('import.none')}</option>
                      {report.headers.map((header) => (
                        <option key={header} value={header}>
                          {header}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {unmapped.length > 0 && (
            <p className="notice">{t('import.unmapped', { columns: unmapped.map((header) => `«${header}»`).join(', ') })}</p>
          )}
          {report.missingColumns.length > 0 && (
            <p role="alert" className="error-banner">
              {t('import.missing', { fields: report.missingColumns.map(fieldLabel).join(', ') })}
            </p>
          )}

          <h2>{t('import.rows')}</h2>
          <p role="status" className={report.counts.error > 0 ? 'error-text' : 'muted'}>
            {report.kind === 'readings'
              ? `${t('import.readingCounts', report.counts)} ${report.counts.error > 0 ? t(report.committed ? 'import.readingErrorsDone' : 'import.readingErrors') : ''}${coveredCount > 0 ? ` ${t('import.readingNotices', { count: coveredCount })}` : ''}${replacedCount > 0 ? ` ${t('import.estimatesReplaced', { count: replacedCount })}` : ''}${flaggedCount > 0 ? ` ${t('import.flaggedCount', { count: flaggedCount })}` : ''}`
              : `${t('import.counts', report.counts)} ${report.counts.error > 0 ? t('import.hasErrors') : ''}`}
          </p>
          {report.rows.length > shown.length && (
            <p className="muted small">
              {/* A meter import also lists the readings with a notice (covered period, estimate replaced); master data has none. */}
              {laterErrors.length > SHOWN_ERRORS
                ? t(report.kind === 'readings' ? 'import.readingShownErrors' : 'import.shownErrors', { shown: SHOWN_ROWS, count: report.rows.length, errorsShown: SHOWN_ERRORS, errors: laterErrors.length })
                : t(report.kind === 'readings' ? 'import.readingShown' : 'import.shown', { shown: SHOWN_ROWS, count: report.rows.length })}
            </p>
          )}
          {shown.length > 0 && (
            <table className="plain-table import-rows" aria-label={t('import.rows')}>
              <thead>
                <tr>
                  <th scope="col">{t('import.line')}</th>
                  <th scope="col">{t('import.key')}</th>
                  <th scope="col">{t('import.result')}</th>
                  <th scope="col">{t('import.details')}</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((row) => (
                  <tr key={row.line} className={row.action === 'error' ? 'row-error' : undefined}>
                    {/* A reading of several rows (a row per counter) names them all: its problem may be in any. */}
                    <td>{(row.lines ?? [row.line]).join(', ')}</td>
                    <td>{row.key}</td>
                    {/* Once the file is in, a new row is one imported. */}
                    <td>{t(report.committed && row.action === 'create' ? 'import.imported' : `import.actions.${row.action}`)}</td>
                    <td>
                      {row.issues.map((issue) => (
                        <div key={`${issue.field}-${issue.code}`}>{problemText(issue)}</div>
                      ))}
                      {row.notices?.map((notice) => (
                        <div key={`${notice.field}-${notice.code}`} className="notice-text">
                          {describeIssue(notice, language)}
                        </div>
                      ))}
                      {/* An update says what it overwrites, as the change log will. */}
                      {row.changes &&
                        Object.entries(row.changes).map(([field, [before, after]]) => {
                          const text = auditText(AUDIT_ENTITY[report.kind], field, before, after, t, language);
                          return <div key={field} className="muted">{`${text.field}${labelSeparator(language)}${text.before} → ${text.after}`}</div>;
                        })}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <div className="dialog-actions">
            {report.counts.error > 0 && (
              <button type="button" onClick={errorList}>
                {t('import.errorList')}
              </button>
            )}
            <span className="spacer" />
            <span role="status" className="status-message">
              {message}
            </span>
            <button type="button" className="primary" disabled={!canRun} onClick={run}>
              {t('import.run')}
            </button>
          </div>
        </>
      )}
    </section>
  );
}
