import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from '../locales/en.json';
import fr from '../locales/fr.json';

export const LANGUAGES = ['fr', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * The language is the one thing the app keeps on the device beside nothing personal: per user
 * (the switch in the shell), and the last one used for the sign-in page. French by default.
 */
const DEVICE_KEY = 'passerelle.lang';
const userKey = (userId: string) => `passerelle.lang.${userId}`;

function stored(key: string): Language | null {
  try {
    const v = localStorage.getItem(key);
    return v === 'fr' || v === 'en' ? v : null;
  } catch {
    return null;
  }
}

void i18n.use(initReactI18next).init({
  resources: { fr: { translation: fr }, en: { translation: en } },
  lng: stored(DEVICE_KEY) ?? 'fr',
  fallbackLng: 'fr',
  interpolation: { escapeValue: false },
  returnNull: false,
});

function apply(lang: Language) {
  void i18n.changeLanguage(lang);
  document.documentElement.lang = lang;
}
apply((i18n.language as Language) ?? 'fr');

/** The user's own choice, once they are known (after sign-in or a restored session). */
export function applyLanguageOf(userId: string) {
  const lang = stored(userKey(userId));
  if (lang && lang !== i18n.language) apply(lang);
}

export function setLanguage(lang: Language, userId?: string) {
  try {
    localStorage.setItem(DEVICE_KEY, lang);
    if (userId) localStorage.setItem(userKey(userId), lang);
  } catch {
    /* private mode: the choice lasts this visit */
  }
  apply(lang);
}

export default i18n;
