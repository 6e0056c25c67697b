import { useCallback, useEffect, useState } from 'react';
import type { SettingValue } from '../../../shared/api';
import { ApiError } from '../../../shared/errors';
import { LANGUAGES } from '../../../shared/models';
import { SETTINGS, type SettingGroup, type SettingKind } from '../../../shared/settings-schema';
import { SelectField, TextField } from '../../components/Field';
import { useSaveKeys } from '../../components/useSaveKeys';
import { BackupsPanel } from './BackupsPanel';
import { useUnsavedGuard } from '../../components/useUnsavedGuard';
import { useLanguage } from '../../i18n';
import { describeIssue } from '../../issues';
import { api } from '../../platform/transport';
import { setDealerTimeZone } from '../../dealer-zone';

const GROUPS: SettingGroup[] = ['general', 'readings', 'mail', 'portal', 'backup'];

/** The time zones this browser knows (the settings screen offers them as a list). */
const TIME_ZONES: string[] = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['Europe/Zurich'];

/** Everything configurable (shared/settings-schema.ts); secrets can be set or cleared, never read. */
export function SettingsPage() {
  const { t, language } = useLanguage();
  const [stored, setStored] = useState<SettingValue[] | null>(null);
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState('');

  useEffect(() => {
    api.call('settings-get', {}).then(setStored, (failure: Error) => setMessage(failure.message));
  }, []);

  const save = useCallback(() => {
    if (Object.keys(edits).length === 0) return;
    api.call('settings-save', { values: edits }).then(
      (saved) => {
        setStored(saved);
        // Times on every page follow a new time zone at once (app-info says it again at the next
        // start); a cleared one is the default again.
        const timeZone = saved.find((setting) => setting.key === 'timeZone')?.value ?? SETTINGS.find((setting) => setting.key === 'timeZone')?.fallback;
        if (timeZone) setDealerTimeZone(timeZone);
        setEdits({});
        setErrors({});
        setMessage(t('settings.saved'));
      },
      (failure: Error) => {
        if (failure instanceof ApiError && failure.issues.length > 0) {
          setErrors(Object.fromEntries(failure.issues.map((issue) => [issue.field, describeIssue(issue, language)])));
          setMessage(t('customers.notSaved'));
          // The first setting to correct, in the page's order: in view, the keyboard on it.
          const first = SETTINGS.find((setting) => failure.issues.some((issue) => issue.field === setting.key));
          if (first) requestAnimationFrame(() => document.getElementById(`setting-${first.key.replace(/\./g, '-')}`)?.focus());
        } else setMessage(failure.message);
      },
    );
  }, [edits, t, language]);
  useSaveKeys({ save, cancel: () => setEdits({}) });
  // Changes not saved are not lost to a click on the header's links without a question.
  useUnsavedGuard(Object.keys(edits).length > 0, t('app.unsavedLeave'));

  if (!stored) return <p className="muted">{message || t('app.loading')}</p>;
  const value = (key: string) => edits[key] ?? stored.find((s) => s.key === key)?.value ?? '';
  const change = (key: string, text: string) =>
    setEdits((current) => {
      // An emptied secret field keeps the secret; only Löschen clears it.
      if (text === '' && SETTINGS.find((s) => s.key === key)?.kind === 'secret') {
        const { [key]: _dropped, ...rest } = current;
        return rest;
      }
      return { ...current, [key]: text };
    });
  const choicesOf = (kind: SettingKind): Array<{ value: string; label: string }> | null => {
    if (kind === 'language') return LANGUAGES.map((code) => ({ value: code, label: t(`languages.${code}`) }));
    if (kind === 'timezone') return TIME_ZONES.map((zone) => ({ value: zone, label: zone.replace(/_/g, ' ') }));
    return null;
  };

  return (
    <section className="settings-page">
      <h1>{t('settings.title')}</h1>
      {GROUPS.map((group) => (
        <fieldset key={group} className="settings-group">
          <legend>{t(`settings.groups.${group}`)}</legend>
          {SETTINGS.filter((setting) => setting.group === group).map((setting) => {
            const id = `setting-${setting.key.replace(/\./g, '-')}`;
            const label = t(`settings.labels.${setting.key.replace(/\./g, '_')}`);
            const current = stored.find((s) => s.key === setting.key);
            const isSet = current?.set ?? false;
            const hints = [
              setting.kind === 'secret'
                ? current?.unreadable
                  ? t('settings.secretUnreadable')
                  : isSet
                    ? t('settings.secretSet')
                    : t('settings.secretUnset')
                : setting.fallback
                  ? t('settings.fallback', { value: setting.fallback })
                  : '',
              setting.restart ? t('settings.restart') : '',
            ].filter(Boolean);
            // A language or a time zone is picked from a list, not typed as a code.
            const choices = choicesOf(setting.kind);
            if (choices) {
              const current = value(setting.key);
              const options = [
                { value: '', label: t('settings.fallback', { value: choices.find((c) => c.value === setting.fallback)?.label ?? setting.fallback }) },
                ...choices,
                ...(current && !choices.some((c) => c.value === current) ? [{ value: current, label: current }] : []),
              ];
              return (
                <div key={setting.key} className="setting-row">
                  <SelectField
                    id={id}
                    label={label}
                    value={current}
                    options={options}
                    onChange={(choice) => change(setting.key, choice)}
                    error={errors[setting.key]}
                    hint={setting.restart ? t('settings.restart') : undefined}
                  />
                </div>
              );
            }
            return (
              <div key={setting.key} className="setting-row">
                <TextField
                  id={id}
                  label={label}
                  value={value(setting.key)}
                  onChange={(text) => change(setting.key, text)}
                  error={errors[setting.key]}
                  hint={hints.join(' · ')}
                  multiline={setting.key === 'dealer.contact'}
                  concealed={setting.kind === 'secret'}
                />
                {setting.kind === 'secret' && isSet && (
                  <button type="button" onClick={() => setEdits((current) => ({ ...current, [setting.key]: '' }))}>
                    {t('settings.clear')}
                  </button>
                )}
              </div>
            );
          })}
          {group === 'backup' && <BackupsPanel />}
        </fieldset>
      ))}
      {/* Stays in view at the window's foot: the long page's result is seen after F2. */}
      <p className="toolbar sticky-actions">
        <button type="button" className="primary" onClick={save} disabled={Object.keys(edits).length === 0}>
          {t('settings.save')}
        </button>
        <span role="status" className="muted">
          {message}
        </span>
      </p>
    </section>
  );
}
