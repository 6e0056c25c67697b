import type { ColDef } from 'ag-grid-community';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { CustomerSummary } from '../../../shared/models';
import { Grid } from '../../components/Grid';
import { useOpenOnlyResult, useResultsFocus } from '../../components/useResultsFocus';
import { useLanguage } from '../../i18n';
import { api } from '../../platform/transport';
import { customerHref, navigate } from '../../useHashRoute';

export interface CustomersPageProps {
  query: string;
  /** Empties the header's search, which filters this list too. */
  onClearQuery: () => void;
}

interface CustomerList {
  rows: CustomerSummary[];
  total: number;
  forQuery: string | null;
}

/** The customer list, filtered by the header's Suche like the device list. */
export function CustomersPage({ query, onClearQuery }: CustomersPageProps) {
  const { t } = useLanguage();
  const [includeArchived, setIncludeArchived] = useState(false);
  const [list, setList] = useState<CustomerList>({ rows: [], total: 0, forQuery: null });
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    const timer = window.setTimeout(() => {
      api.call('customers-search', { query, includeArchived }).then(
        (result) => current && setList({ ...result, forQuery: query }),
        (failure: Error) => current && setError(failure.message),
      );
    }, 120);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [query, includeArchived]);

  const focusToken = useResultsFocus(list.forQuery === query);
  const only = list.total === 1 && list.rows.length === 1 ? list.rows[0]!.number : null;
  const openOnly = useCallback(() => {
    if (only) navigate(customerHref(only));
  }, [only]);
  useOpenOnlyResult(focusToken, only ? openOnly : null);

  const columns = useMemo<ColDef<CustomerSummary>[]>(
    () => [
      {
        field: 'number',
        headerName: t('customers.number'),
        width: 150,
        cellRenderer: (params: { value: string }) => (
          <a href={customerHref(params.value)} tabIndex={-1}>
            {params.value}
          </a>
        ),
      },
      { field: 'name', headerName: t('customers.name'), flex: 1, minWidth: 220 },
      {
        field: 'language',
        headerName: t('customers.language'),
        width: 190,
        valueFormatter: (p) => t(`languages.${p.value as CustomerSummary['language']}`),
      },
      {
        field: 'webReading',
        headerName: t('customers.webReading'),
        width: 190,
        valueFormatter: (p) => (p.value ? t('customers.yes') : t('customers.no')),
      },
      { field: 'contracts', headerName: t('customers.contracts'), width: 110, type: 'rightAligned' },
      { field: 'devices', headerName: t('customers.devices'), width: 100, type: 'rightAligned' },
      {
        field: 'archived',
        headerName: t('customers.archived'),
        width: 120,
        valueFormatter: (p) => (p.value ? t('customers.yes') : ''),
      },
    ],
    [t],
  );

  return (
    <section className="search-page">
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => navigate(customerHref(null))}>
          {t('customers.new')}
        </button>
        <label className="inline-check">
          <input type="checkbox" checked={includeArchived} onChange={(event) => setIncludeArchived(event.target.checked)} />
          {t('customers.showArchived')}
        </label>
        {/* The header's search filters this list: said, with a way back to every customer. */}
        {query.trim() !== '' && (
          <span className="filter-note">
            {t('customers.filtered', { query: query.trim() })}{' '}
            <button type="button" onClick={onClearQuery}>
              {t('customers.clearFilter')}
            </button>
          </span>
        )}
        <span className="muted" role="status">
          {error
            ? t('app.error', { message: error })
            : list.forQuery === null
              ? t('app.loading')
              : list.total === 0
                ? t('customers.none')
                : t('customers.results', { count: list.total })}
        </span>
      </div>
      <Grid<CustomerSummary>
        label={t('customers.list')}
        rows={list.rows}
        columns={columns}
        rowId={(row) => String(row.id)}
        onOpen={(row) => navigate(customerHref(row.number))}
        focusToken={focusToken}
        height="calc(100vh - 170px)"
      />
    </section>
  );
}
