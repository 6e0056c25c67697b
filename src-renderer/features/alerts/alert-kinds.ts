import type { AlertKind } from '../../../shared/api';

/** The kinds in the order the alerts page shows its filters (apart from the page: the app routes by them). */
export const ALERT_KINDS: AlertKind[] = ['stuck', 'silent', 'unusual', 'web-waiting'];
