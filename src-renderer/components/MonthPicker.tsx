import { useId, useMemo } from 'react';
import { addMonths } from '../../shared/dates';
import { LOCALES } from '../../shared/format';
import { useLanguage } from '../i18n';

interface MonthPickerProps {
  label: string;
  /** YYYY-MM */
  value: string;
  onChange: (period: string) => void;
}

/** The years offered: ten years of readings back, the next one ahead. */
function yearsAround(year: number): number[] {
  const thisYear = new Date().getFullYear();
  const first = Math.min(year, thisYear - 10);
  const last = Math.max(year, thisYear + 1);
  return Array.from({ length: last - first + 1 }, (_, index) => first + index);
}

/**
 * A month (YYYY-MM) in the UI's language — ‹ November 2026 › — where the browser's month field
 * names the months in the browser's language, not the app's. ‹ and › step a month.
 */
export function MonthPicker({ label, value, onChange }: MonthPickerProps) {
  const { t, language } = useLanguage();
  const id = useId();
  const [year, month] = value.split('-').map(Number) as [number, number];
  const months = useMemo(() => {
    const names = new Intl.DateTimeFormat(LOCALES[language], { month: 'long', timeZone: 'UTC' });
    return Array.from({ length: 12 }, (_, index) => names.format(Date.UTC(2000, index, 1)));
  }, [language]);
  const step = (by: number) => onChange(addMonths(`${value}-01`, by).slice(0, 7));
  const set = (y: number, m: number) => onChange(`${y}-${String(m).padStart(2, '0')}`);
  return (
    <div className="inline-field month-picker" role="group" aria-labelledby={`${id}-label`}>
      <span id={`${id}-label`}>{label}</span>
      <button type="button" className="month-step" aria-label={t('month.previous')} title={t('month.previous')} onClick={() => step(-1)}>
        ‹
      </button>
      <select aria-label={t('month.month')} value={month} onChange={(event) => set(year, Number(event.target.value))}>
        {months.map((name, index) => (
          <option key={name} value={index + 1}>
            {name}
          </option>
        ))}
      </select>
      <select aria-label={t('month.year')} value={year} onChange={(event) => set(Number(event.target.value), month)}>
        {yearsAround(year).map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
      <button type="button" className="month-step" aria-label={t('month.next')} title={t('month.next')} onClick={() => step(1)}>
        ›
      </button>
    </div>
  );
}
