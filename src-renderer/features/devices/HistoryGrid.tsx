import type { ColDef, GridApi } from 'ag-grid-community';
import { useMemo } from 'react';
import { formatCounter, formatDate, labelSeparator } from '../../../shared/format';
import type { CounterKind, Reading } from '../../../shared/models';
import { Grid } from '../../components/Grid';
import { useLanguage } from '../../i18n';

export interface HistoryGridProps {
  readings: Reading[];
  kinds: CounterKind[];
  onOpen: (reading: Reading) => void;
  /** The grid's API once ready (to give a row the keyboard back when its dialog closes). */
  onReady?: (api: GridApi<Reading>) => void;
}

/** A device's readings, newest first; Enter or a double-click opens one in the dialog. */
export function HistoryGrid({ readings, kinds, onOpen, onReady }: HistoryGridProps) {
  const { t, language } = useLanguage();
  const columns = useMemo<ColDef<Reading>[]>(() => {
    const date = (value: unknown) => (typeof value === 'string' ? formatDate(value, language) : '');
    const counter = (value: unknown) => (typeof value === 'number' ? formatCounter(value, language) : '');
    return [
      {
        field: 'date',
        headerName: t('device.date'),
        width: 110,
        sort: 'desc',
        valueFormatter: (p) => date(p.value),
        // Two readings of one day in the order of their validity (a second one in a covered month after the first).
        comparator: (a: string, b: string, nodeA, nodeB) =>
          a.localeCompare(b) ||
          (nodeA.data?.validFrom ?? '').localeCompare(nodeB.data?.validFrom ?? '') ||
          (nodeA.data?.id ?? 0) - (nodeB.data?.id ?? 0),
      },
      {
        field: 'status',
        headerName: t('device.status'),
        width: 135,
        valueFormatter: (p) => `${p.value as string} ${t(`status.${p.value as Reading['status']}`)}`,
      },
      { field: 'validFrom', headerName: t('device.validFrom'), width: 110, valueFormatter: (p) => date(p.value) },
      { field: 'validTo', headerName: t('device.validTo'), width: 110, valueFormatter: (p) => date(p.value) },
      ...kinds.flatMap((kind): ColDef<Reading>[] => [
        {
          colId: `${kind}.new`,
          headerName: t('device.newValue', { kind: t(`kinds.${kind}`) }),
          width: 115,
          // "Schwarz neu" over "Schwarz Verbrauch": two lines where one is too narrow.
          wrapHeaderText: true,
          autoHeaderHeight: true,
          type: 'rightAligned',
          valueGetter: (p) => p.data?.counters.find((c) => c.kind === kind)?.new,
          // A meter exchange: the new counter's value, marked; the old one's end in the tooltip.
          valueFormatter: (p) => {
            const exchange = p.data?.counters.find((c) => c.kind === kind)?.exchange;
            return exchange ? `⇄ ${counter(p.value)}` : counter(p.value);
          },
          tooltipValueGetter: (p) => {
            const exchange = p.data?.counters.find((c) => c.kind === kind)?.exchange;
            return exchange
              ? `${t('dialog.exchange')}${labelSeparator(language)}${t('dialog.final')} ${counter(exchange.final)}, ${t('dialog.start')} ${counter(exchange.start)}`
              : undefined;
          },
        },
        {
          colId: `${kind}.usage`,
          headerName: t('device.usage', { kind: t(`kinds.${kind}`) }),
          width: 115,
          wrapHeaderText: true,
          autoHeaderHeight: true,
          type: 'rightAligned',
          valueGetter: (p) => p.data?.counters.find((c) => c.kind === kind)?.usage,
          valueFormatter: (p) => counter(p.value),
        },
      ]),
      {
        field: 'source',
        headerName: t('device.source'),
        width: 95,
        valueFormatter: (p) => t(`sources.${p.value as Reading['source']}`),
      },
      {
        colId: 'check',
        headerName: t('device.check'),
        width: 115,
        valueGetter: (p) => (p.data?.flagged ? t('dialog.flagged') : p.data?.confirmedBy ? '✓' : ''),
        cellClass: (p) => (p.data?.flagged ? 'cell-flagged' : ''),
      },
      { field: 'author', headerName: t('device.author'), flex: 1, minWidth: 110 },
    ];
  }, [kinds, t, language]);

  return (
    <Grid<Reading>
      label={t('device.history')}
      rows={readings}
      columns={columns}
      rowId={(reading) => String(reading.id)}
      onOpen={onOpen}
      {...(onReady ? { onReady } : {})}
      height={Math.min(520, 80 + Math.max(readings.length, 3) * 34)}
    />
  );
}
