import type { ReactNode } from 'react';

interface FieldShellProps {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: string;
  children: ReactNode;
}

/** A labelled field with its error underneath, tied to the control for screen readers. */
function FieldShell({ id, label, error, hint, children }: FieldShellProps) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && !error && (
        <span id={`${id}-hint`} className="muted small">
          {hint}
        </span>
      )}
      {error && (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}

function described(id: string, error: string | undefined, hint: string | undefined): string | undefined {
  return error ? `${id}-error` : hint ? `${id}-hint` : undefined;
}

export interface TextFieldProps {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  hint?: string;
  readOnly?: boolean;
  multiline?: boolean;
  size?: number;
  inputMode?: 'text' | 'numeric' | 'email';
  /** A secret being typed (an SMTP URL with its password): not shown on the screen. */
  concealed?: boolean;
  onBlur?: () => void;
}

export function TextField({ id, label, value, onChange, error, hint, readOnly, multiline, size, inputMode, concealed, onBlur }: TextFieldProps) {
  const common = {
    id,
    value,
    readOnly: readOnly || undefined,
    'aria-readonly': readOnly || undefined,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': described(id, error, hint),
    className: readOnly ? 'read-only' : undefined,
    onBlur,
  };
  return (
    <FieldShell id={id} label={label} error={error} hint={hint}>
      {multiline ? (
        <textarea {...common} rows={3} onChange={(event) => onChange(event.target.value)} />
      ) : (
        <input
          {...common}
          type={concealed ? 'password' : 'text'}
          autoComplete={concealed ? 'off' : undefined}
          size={size}
          inputMode={inputMode}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </FieldShell>
  );
}

export interface SelectFieldProps<Value extends string> {
  id: string;
  label: string;
  value: Value;
  options: Array<{ value: Value; label: string }>;
  onChange: (value: Value) => void;
  error?: string | undefined;
  hint?: string | undefined;
}

export function SelectField<Value extends string>({ id, label, value, options, onChange, error, hint }: SelectFieldProps<Value>) {
  return (
    <FieldShell id={id} label={label} error={error} hint={hint}>
      <select
        id={id}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={described(id, error, hint)}
        onChange={(event) => onChange(event.target.value as Value)}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

export interface CheckboxFieldProps {
  id: string;
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}

export function CheckboxField({ id, label, checked, onChange }: CheckboxFieldProps) {
  return (
    <div className="field checkbox">
      <input id={id} type="checkbox" checked={checked} onChange={(event) => onChange(event.target.checked)} />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}

export interface CellInputProps {
  id: string;
  /** Row and column, e.g. "Schwarz Preis pro Seite (CHF)". */
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  disabled?: boolean;
  inputMode?: 'numeric' | 'decimal';
}

/** An input in a table cell, named by its row and column, with its error underneath. */
export function CellInput({ id, label, value, onChange, error, disabled, inputMode }: CellInputProps) {
  return (
    <td>
      <input
        id={id}
        aria-label={label}
        value={value}
        inputMode={inputMode}
        disabled={disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(event) => onChange(event.target.value)}
      />
      {error && (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      )}
    </td>
  );
}
