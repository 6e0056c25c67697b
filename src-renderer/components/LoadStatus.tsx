import { useLanguage } from '../i18n';

export interface LoadStatusProps {
  /** Why loading failed; null while it is still under way. */
  error: string | null;
  /** Where to go from a failure (e.g. back to the list). */
  back?: { href: string; label: string };
}

/** What a page shows until its record is there: "loading", or why it could not be loaded. */
export function LoadStatus({ error, back }: LoadStatusProps) {
  const { t } = useLanguage();
  if (!error) return <p className="muted">{t('app.loading')}</p>;
  return (
    <section>
      <p role="alert" className="error-banner">
        {t('app.error', { message: error })}
      </p>
      {back && <a href={back.href}>{back.label}</a>}
    </section>
  );
}
