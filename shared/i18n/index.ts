import type { Language } from '../models';
import { de, type Translation } from './de';
import { en } from './en';
import { fr } from './fr';

export const translations: Record<Language, Translation> = { de, fr, en };
export type { Translation };
