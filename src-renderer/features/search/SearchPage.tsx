import type { ColDef } from 'ag-grid-community';
import { useCallback, useMemo, useState } from 'react';
import { formatDate } from '../../../shared/format';
import type { DeviceSummary } from '../../../shared/models';
import { Grid } from '../../components/Grid';
import { useOpenOnlyResult, useResultsFocus } from '../../components/useResultsFocus';
import { useLanguage } from '../../i18n';
import { api } from '../../platform/transport';
import { deviceHref, navigate } from '../../useHashRoute';
import { useDeviceSearch } from './useDeviceSearch';

export interface SearchPageProps {
  query: string;
  empty: boolean;
  onDemoLoaded: () => void;
}

export function SearchPage({ query, empty, onDemoLoaded }: SearchPageProps) {
  const { t, language } = useLanguage();
  const [reloadKey, setReloadKey] = useState(0);
  const search = useDeviceSearch(query, reloadKey);
  const focusToken = useResultsFocus(search.forQuery === query && !search.loading);
  const only = search.total === 1 && search.rows.length === 1 ? search.rows[0]!.equipmentId : null;
  const openOnly = useCallback(() => {
    if (only) navigate(deviceHref(only));
  }, [only]);
  useOpenOnlyResult(focusToken, only ? openOnly : null);

  const columns = useMemo<ColDef<DeviceSummary>[]>(
    () => [
      { field: 'customerNumber', headerName: t('search.customerNumber'), width: 120 },
      { field: 'customerName', headerName: t('search.customerName'), flex: 1, minWidth: 160 },
      { field: 'position', headerName: t('search.position'), width: 72 },
      { field: 'model', headerName: t('search.model'), flex: 1, minWidth: 170 },
      { field: 'location', headerName: t('search.location'), flex: 1, minWidth: 150 },
      {
        field: 'equipmentId',
        headerName: t('search.equipmentId'),
        width: 130,
        cellRenderer: (params: { value: string }) => (
          <a href={deviceHref(params.value)} tabIndex={-1}>
            {params.value}
          </a>
        ),
      },
      { field: 'serialNumber', headerName: t('search.serialNumber'), width: 140 },
      {
        field: 'lastReadingDate',
        headerName: t('search.lastReading'),
        // "Letzter Zählerstand" whole, with the sort arrow.
        width: 178,
        valueFormatter: (params) => (params.value ? formatDate(params.value as string, language) : '—'),
      },
    ],
    [t, language],
  );

  if (empty && search.total === 0 && !search.loading) {
    return (
      <section className="empty-state">
        <p>{t('app.empty')}</p>
        <button
          type="button"
          className="primary"
          onClick={() => {
            void api.call('demo-load', {}).then(() => {
              setReloadKey((key) => key + 1);
              onDemoLoaded();
            });
          }}
        >
          {t('app.loadDemo')}
        </button>
      </section>
    );
  }

  return (
    <section className="search-page">
      <p className="muted" role="status">
        {search.loading
          ? t('app.loading')
          : search.error
            ? t('app.error', { message: search.error })
            : search.rows.length === 0
              ? t('search.none')
              : search.rows.length < search.total
                ? t('search.resultsLimited', { shown: search.rows.length, count: search.total })
                : t('search.results', { count: search.total })}
      </p>
      <Grid<DeviceSummary>
        label={t('search.results', { count: search.total })}
        rows={search.rows}
        columns={columns}
        rowId={(row) => String(row.deviceId)}
        onOpen={(row) => navigate(deviceHref(row.equipmentId))}
        focusToken={focusToken}
        height="calc(100vh - 156px)"
      />
      <p className="muted small">{t('search.hint')}</p>
    </section>
  );
}
