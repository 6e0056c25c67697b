import type { HandedOverLink } from '../../../shared/api';
import { formatDate } from '../../../shared/format';
import { useLanguage } from '../../i18n';

/**
 * A portal link the office gives the customer itself (read out on the phone, or pasted into its
 * own e-mail): shown once, here, with its validity and a copy button — only its hash is kept.
 */
export function HandedOverLinkNotice({ link }: { link: HandedOverLink }) {
  const { t, language } = useLanguage();
  const title = t('web.handedOverTitle', { customer: link.customerNumber });
  return (
    <section className="notice" aria-label={title}>
      <p>
        <strong>{title}</strong> {t('web.handedOverValid', { date: formatDate(link.validUntil, language) })}
        {link.replacedLink && ` ${t('web.handedOverReplaced')}`}
        {!link.published && ` ${t('web.handedOverUnpublished')}`}
      </p>
      <p className="toolbar">
        <input
          type="text"
          readOnly
          value={link.url}
          aria-label={title}
          // In a fixed-width font, as wide as the link: read out on the phone, all of it and each letter clear (l, I, 1).
          className="link-text"
          style={{ width: `${link.url.length + 2}ch` }}
          onFocus={(event) => event.currentTarget.select()}
        />
        <button type="button" onClick={() => void navigator.clipboard?.writeText(link.url)}>
          {t('web.copy')}
        </button>
      </p>
    </section>
  );
}
