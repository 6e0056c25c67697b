import { useState } from 'react';

export interface DeleteButtonProps {
  label: string;
  /** The second press's text: the question it answers ("Vertrag wirklich löschen?"). */
  confirmLabel: string;
  onDelete: () => void;
}

/** Löschen in two presses: the first turns the button into its question, the second deletes. */
export function DeleteButton({ label, confirmLabel, onDelete }: DeleteButtonProps) {
  const [asking, setAsking] = useState(false);
  return (
    <button
      type="button"
      className={asking ? 'danger' : undefined}
      onBlur={() => setAsking(false)}
      onClick={() => (asking ? onDelete() : setAsking(true))}
    >
      {asking ? confirmLabel : label}
    </button>
  );
}
