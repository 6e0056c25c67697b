import { Component, useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { AppInfo } from '../shared/api';
import { LANGUAGES, type Language } from '../shared/models';
import { requestResultsFocus } from './components/useResultsFocus';
import { setDealerTimeZone } from './dealer-zone';
import { ALERT_KINDS } from './features/alerts/alert-kinds';
import { initialLanguage, setLanguage, useLanguage } from './i18n';
import { emitMenuAction, useMenuAction, useRestoreChanged } from './menu-events';
import {
  AlertsPage,
  BillingPage,
  ContractPageWithData,
  CustomerPageWithData,
  CustomersPage,
  DeviceFormPageWithData,
  DevicePageWithData,
  ImportPage,
  PeriodPage,
  SearchPage,
  SettingsPage,
  StatementPage,
  WebPage,
} from './pages';
import { api } from './platform/transport';
import { navigate, useHashRoute } from './useHashRoute';

const LANGUAGE_NAMES: Record<Language, string> = { de: 'Deutsch', fr: 'Français', en: 'English' };

export interface AppProps {
  /** The core's info, asked for before the first render (main.tsx); later loads ask again. */
  firstInfo?: Promise<AppInfo>;
}

export function App({ firstInfo }: AppProps) {
  const { t, language } = useLanguage();
  const route = useHashRoute();
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const searchRef = useRef<HTMLInputElement>(null);
  const firstInfoRef = useRef(firstInfo);

  const loadInfo = useCallback(() => {
    const loading = firstInfoRef.current ?? api.call('app-info', {});
    firstInfoRef.current = undefined;
    loading.then(
      (loaded) => {
        setDealerTimeZone(loaded.timeZone);
        setInfo((previous) => {
          if (!previous) initialLanguage(loaded.language);
          return loaded;
        });
      },
      (error: Error) => setFailure(error.message),
    );
  }, []);
  useEffect(loadInfo, [loadInfo]);
  useRestoreChanged(loadInfo);
  // Back to this window (a restore asked for in another tab, or with the desktop app): asked again.
  useEffect(() => {
    window.addEventListener('focus', loadInfo);
    return () => window.removeEventListener('focus', loadInfo);
  }, [loadInfo]);

  // The desktop menu's items arrive over the bridge; in a browser they have no source but keys.
  useEffect(() => window.meterdesk?.onMenu(emitMenuAction), []);
  useMenuAction((action) => {
    if (action === 'find') searchRef.current?.focus();
    if (action.startsWith('language-')) setLanguage(action.slice(9) as Language);
  });

  // A new device is added from its contract's page: still the customers' section.
  const customersSection =
    route.page === 'customers' ||
    route.page === 'customer' ||
    route.page === 'contract' ||
    (route.page === 'device-form' && route.contract !== null);
  const devicesSection = !customersSection && ['search', 'device', 'device-form'].includes(route.page);
  const listHref = customersSection ? '#/customers' : '#/';
  // Typing in the search leaves the page for its list: a form's unsaved changes ask first
  // (declined, the keystroke is not taken and the form stays as it was).
  const leavesPage = route.page !== 'search' && route.page !== 'customers';
  const onSearchChange = (text: string) => {
    if (leavesPage && !navigate(listHref)) return;
    setQuery(text);
  };

  return (
    <div className="app">
      <header className="app-header">
        <a className="app-title" href="#/">
          meterdesk
        </a>
        <nav aria-label={t('nav.main')} className="app-nav">
          <a href="#/" aria-current={devicesSection ? 'page' : undefined}>
            {t('nav.devices')}
          </a>
          <a href="#/customers" aria-current={customersSection ? 'page' : undefined}>
            {t('nav.customers')}
          </a>
          <a href="#/period" aria-current={route.page === 'period' ? 'page' : undefined}>
            {t('period.nav')}
          </a>
          <a href="#/alerts" aria-current={route.page === 'alerts' ? 'page' : undefined}>
            {t('alerts.nav')}
          </a>
          <a href="#/web" aria-current={route.page === 'web' ? 'page' : undefined}>
            {t('web.nav')}
          </a>
          <a href="#/billing" aria-current={route.page === 'billing' || route.page === 'statement' ? 'page' : undefined}>
            {t('billing.nav')}
          </a>
          <a href="#/import" aria-current={route.page === 'import' ? 'page' : undefined}>
            {t('import.nav')}
          </a>
          <a href="#/settings" aria-current={route.page === 'settings' ? 'page' : undefined}>
            {t('settings.nav')}
          </a>
        </nav>
        <input
          ref={searchRef}
          className="search-field"
          type="search"
          aria-label={t('app.search')}
          placeholder={t('app.searchShort')}
          title={t('app.searchPlaceholder')}
          value={query}
          onChange={(event) => onSearchChange(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' || event.key === 'ArrowDown') {
              event.preventDefault();
              if (leavesPage && !navigate(listHref)) return;
              requestResultsFocus(event.key);
            }
          }}
        />
        <label className="language">
          <span>{t('app.language')}</span>
          <select value={language} onChange={(event) => setLanguage(event.target.value as Language)}>
            {LANGUAGES.map((code) => (
              <option key={code} value={code}>
                {LANGUAGE_NAMES[code]}
              </option>
            ))}
          </select>
        </label>
        {info && <span className="app-user">{info.user}</span>}
      </header>
      <main className="app-main">
        {failure && (
          <p role="alert" className="error-banner">
            {t('app.error', { message: failure })}
          </p>
        )}
        {/* On every page but the settings' (which says it in full): what is entered now will not be in the restored database.
            Not printed (a statement printed meanwhile). No date formatting here: shared/format would go into the index's chunk. */}
        {route.page !== 'settings' &&
          info?.pendingRestores.map((request) => (
            <p key={request.kind} role="status" className="notice warning restore-banner no-print">
              {t(request.kind === 'portal' ? 'app.restorePendingPortal' : 'app.restorePending', { name: request.name })}{' '}
              <a href="#/settings">{t('app.restorePendingLink')}</a>
            </p>
          ))}
        <PageBoundary
          key={route.page}
          message={(error) =>
            // A page's code gone from under an open tab (browser mode's server updated): a reload brings the new one.
            /dynamically imported module|Importing a module script failed/i.test(error.message)
              ? t('app.updated')
              : t('app.error', { message: error.message })
          }
        >
          {info && route.page === 'device' && (
            <DevicePageWithData
              key={`${route.equipmentId}-${route.readingId ?? ''}`}
              equipmentId={route.equipmentId}
              readingId={route.readingId}
              back={route.back}
            />
          )}
          {info && route.page === 'search' && <SearchPage query={query} empty={info.empty} onDemoLoaded={loadInfo} />}
          {info && route.page === 'customers' && <CustomersPage query={query} onClearQuery={() => setQuery('')} />}
          {info && route.page === 'import' && <ImportPage />}
          {info && route.page === 'web' && <WebPage today={info.today} at={route.at} />}
          {info && route.page === 'billing' && <BillingPage today={info.today} period={route.period} />}
          {info && route.page === 'settings' && <SettingsPage />}
          {info && route.page === 'period' && <PeriodPage today={info.today} />}
          {info && route.page === 'alerts' && (
            <AlertsPage key={route.kind ?? 'all'} kind={ALERT_KINDS.find((kind) => kind === route.kind) ?? null} at={route.at} />
          )}
          {info && route.page === 'statement' && <StatementPage runId={route.runId} />}
          {info && route.page === 'customer' && <CustomerPageWithData key={route.number ?? 'new'} number={route.number} />}
          {info && route.page === 'contract' && (
            <ContractPageWithData
              key={route.number ?? `new-${route.customer}`}
              number={route.number}
              customerNumber={route.customer}
              today={info.today}
            />
          )}
          {info && route.page === 'device-form' && (
            <DeviceFormPageWithData
              key={route.equipmentId ?? `new-${route.contract}`}
              equipmentId={route.equipmentId}
              contractNumber={route.contract}
              today={info.today}
            />
          )}
        </PageBoundary>
      </main>
    </div>
  );
}

interface PageBoundaryProps {
  message: (error: Error) => string;
  children: ReactNode;
}

/**
 * A page that cannot be shown, e.g. its code no longer loads (browser mode's server was
 * updated under an open tab: the old chunk names are gone), says so in place of the page and
 * leaves the header working; a reload brings the new code. A class: React catches render
 * errors only in one.
 */
class PageBoundary extends Component<PageBoundaryProps, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    if (this.state.error) {
      return (
        <p role="alert" className="error-banner">
          {this.props.message(this.state.error)}
        </p>
      );
    }
    return this.props.children;
  }
}
