/**
 * The pages, each loaded the first time it is shown: each is a chunk of its own in the build,
 * so the app's start parses React, the header and the page it opens on, not every page and
 * ag-grid (a clerk who opens the settings never needs the grid). The chunks sit beside the
 * entry in assets/ and are imported relative to it, which works over http:// in browser mode
 * and from file:// in the desktop app alike (electron.vite.config.ts: `base: './'`).
 */
import { createElement, useEffect, useState, type ComponentType } from 'react';
import type { Route } from './useHashRoute';

const load = {
  search: () => import('./features/search/SearchPage'),
  device: () => import('./features/devices/DevicePageWithData'),
  web: () => import('./features/web/WebPage'),
  billing: () => import('./features/billing/BillingPage'),
  settings: () => import('./features/settings/SettingsPage'),
  period: () => import('./features/period/PeriodPage'),
  alerts: () => import('./features/alerts/AlertsPage'),
  statement: () => import('./features/billing/StatementPage'),
  customers: () => import('./features/customers/CustomersPage'),
  import: () => import('./features/import/ImportPage'),
  customer: () => import('./features/customers/CustomerPageWithData'),
  contract: () => import('./features/contracts/ContractPageWithData'),
  'device-form': () => import('./features/devices/DeviceFormPageWithData'),
} satisfies Record<Route['page'], () => Promise<unknown>>;

type PageModules = { [Page in Route['page']]: Awaited<ReturnType<(typeof load)[Page]>> };

/** The pages whose code has loaded, by route (each entry is `PageModules[page]`). */
const loaded: Partial<Record<Route['page'], unknown>> = {};
const loading: Partial<Record<Route['page'], Promise<unknown>>> = {};

function loadPage<Page extends Route['page']>(page: Page): Promise<PageModules[Page]> {
  const started = (loading[page] ??= (load[page] as () => Promise<unknown>)().then(
    (module) => {
      loaded[page] = module;
      return module;
    },
    (error: unknown) => {
      // The next render may try again (the server may be back).
      delete loading[page];
      throw error;
    },
  ));
  return started as Promise<PageModules[Page]>;
}

/**
 * Starts loading a page's code before it renders (the app does so for the page it opens on,
 * while it asks the core for its info). A failure surfaces when the page renders.
 */
export function preloadPage(page: Route['page']): void {
  loadPage(page).catch(() => undefined);
}

/**
 * A page that renders once its code is in, nothing before. Not React.lazy: a suspended page
 * is revealed no sooner than 300 ms after React committed its fallback (React's throttle
 * against flickering), which would hold back the first page of every start by up to that.
 * A failed load is thrown during render, for the page boundary in App.tsx.
 */
function lazyPage<Page extends Route['page'], Props extends object>(
  page: Page,
  pick: (module: PageModules[Page]) => ComponentType<Props>,
): ComponentType<Props> {
  function LazyPage(props: Props) {
    const module = loaded[page] as PageModules[Page] | undefined;
    const [failure, setFailure] = useState<Error | null>(null);
    const [, setArrived] = useState(false);
    useEffect(() => {
      if (module) return;
      let current = true;
      loadPage(page).then(
        () => current && setArrived(true),
        (error: Error) => current && setFailure(error),
      );
      return () => {
        current = false;
      };
    }, [module]);
    if (failure) throw failure;
    return module ? createElement(pick(module), props) : null;
  }
  LazyPage.displayName = `Lazy(${page})`;
  return LazyPage;
}

export const SearchPage = lazyPage('search', (m) => m.SearchPage);
export const DevicePageWithData = lazyPage('device', (m) => m.DevicePageWithData);
export const WebPage = lazyPage('web', (m) => m.WebPage);
export const BillingPage = lazyPage('billing', (m) => m.BillingPage);
export const SettingsPage = lazyPage('settings', (m) => m.SettingsPage);
export const PeriodPage = lazyPage('period', (m) => m.PeriodPage);
export const AlertsPage = lazyPage('alerts', (m) => m.AlertsPage);
export const StatementPage = lazyPage('statement', (m) => m.StatementPage);
export const CustomersPage = lazyPage('customers', (m) => m.CustomersPage);
export const ImportPage = lazyPage('import', (m) => m.ImportPage);
export const CustomerPageWithData = lazyPage('customer', (m) => m.CustomerPageWithData);
export const ContractPageWithData = lazyPage('contract', (m) => m.ContractPageWithData);
export const DeviceFormPageWithData = lazyPage('device-form', (m) => m.DeviceFormPageWithData);
