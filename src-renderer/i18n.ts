import i18next from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import { LANGUAGES, type Language } from '../shared/models';
import { translations } from '../shared/i18n';

const STORAGE_KEY = 'meterdesk.language';

function storedLanguage(): Language | null {
  const stored = window.localStorage.getItem(STORAGE_KEY);
  return LANGUAGES.find((language) => language === stored) ?? null;
}

void i18next.use(initReactI18next).init({
  resources: Object.fromEntries(
    LANGUAGES.map((language) => [language, { translation: translations[language] }]),
  ),
  lng: storedLanguage() ?? 'de',
  fallbackLng: 'de',
  interpolation: { escapeValue: false },
  returnNull: false,
});

export function setLanguage(language: Language): void {
  window.localStorage.setItem(STORAGE_KEY, language);
  document.documentElement.lang = language;
  void i18next.changeLanguage(language);
}

/** The app's language, the first time: the user's last choice, else the dealer's setting. */
export function initialLanguage(fallback: Language): void {
  setLanguage(storedLanguage() ?? fallback);
}

/** The current language as our type, plus `t`. */
export function useLanguage(): { t: ReturnType<typeof useTranslation>['t']; language: Language } {
  const { t, i18n } = useTranslation();
  const language = LANGUAGES.find((l) => l === i18n.language) ?? 'de';
  return { t, language };
}
