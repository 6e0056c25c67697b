import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppInfo } from '../shared/api';
import { LANGUAGES, type Language } from '../shared/models';
import { FOCUS_RESULTS_EVENT } from './components/useResultsFocus';
import { DevicePageWithData } from './features/devices/DevicePageWithData';
import { ContractPageWithData } from './features/contracts/ContractPageWithData';
import { CustomerPageWithData } from './features/customers/CustomerPageWithData';
import { DeviceFormPageWithData } from './features/devices/DeviceFormPageWithData';
import { CustomersPage } from './features/customers/CustomersPage';
import { ImportPage } from './features/import/ImportPage';
import { WebPage } from './features/web/WebPage';
import { BillingPage } from './features/billing/BillingPage';
import { StatementPage } from './features/billing/StatementPage';
import { SettingsPage } from './features/settings/SettingsPage';
import { PeriodPage } from './features/period/PeriodPage';
import { ALERT_KINDS, AlertsPage } from './features/alerts/AlertsPage';
import { SearchPage } from './features/search/SearchPage';
import { initialLanguage, setLanguage, useLanguage } from './i18n';
import { emitMenuAction, useMenuAction } from './menu-events';
import { api } from './platform/transport';
import { navigate, useHashRoute } from './useHashRoute';

const LANGUAGE_NAMES: Record<Language, string> = { de: 'Deutsch', fr: 'Français', en: 'English' };

export function App() {
  const { t, language } = useLanguage();
  const route = useHashRoute();
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const searchRef = useRef<HTMLInputElement>(null);

  const loadInfo = useCallback(() => {
    api.call('app-info', {}).then(
      (loaded) => {
        setInfo((previous) => {
          if (!previous) initialLanguage(loaded.language);
          return loaded;
        });
      },
      (error: Error) => setFailure(error.message),
    );
  }, []);
  useEffect(loadInfo, [loadInfo]);

  // The desktop menu's items arrive over the bridge; in a browser they have no source but keys.
  useEffect(() => window.meterdesk?.onMenu(emitMenuAction), []);
  useMenuAction((action) => {
    if (action === 'find') searchRef.current?.focus();
    if (action.startsWith('language-')) setLanguage(action.slice(9) as Language);
  });

  const customersSection =
    route.page === 'customers' || route.page === 'customer' || route.page === 'contract';
  const devicesSection = !customersSection && ['search', 'device', 'device-form'].includes(route.page);
  const listHref = customersSection ? '#/customers' : '#/';
  const onSearchChange = (text: string) => {
    setQuery(text);
    if (route.page !== 'search' && route.page !== 'customers') navigate(listHref);
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
          placeholder={t('app.searchPlaceholder')}
          value={query}
          onChange={(event) => onSearchChange(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' || event.key === 'ArrowDown') {
              event.preventDefault();
              if (route.page !== 'search' && route.page !== 'customers') navigate(listHref);
              window.dispatchEvent(new CustomEvent(FOCUS_RESULTS_EVENT));
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
        {info && route.page === 'device' && (
          <DevicePageWithData
            key={`${route.equipmentId}-${route.readingId ?? ''}`}
            equipmentId={route.equipmentId}
            readingId={route.readingId}
          />
        )}
        {info && route.page === 'search' && <SearchPage query={query} empty={info.empty} onDemoLoaded={loadInfo} />}
        {info && route.page === 'customers' && <CustomersPage query={query} />}
        {info && route.page === 'import' && <ImportPage />}
        {info && route.page === 'web' && <WebPage />}
        {info && route.page === 'billing' && <BillingPage today={info.today} />}
        {info && route.page === 'settings' && <SettingsPage />}
        {info && route.page === 'period' && <PeriodPage today={info.today} />}
        {info && route.page === 'alerts' && (
          <AlertsPage key={route.kind ?? 'all'} kind={ALERT_KINDS.find((kind) => kind === route.kind) ?? null} />
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
      </main>
    </div>
  );
}
