import { useCallback, useState } from 'react';

/**
 * For a page that loads its record: `reload(message)` fetches it again and keeps `message`
 * ("saved") on screen across the page's remount on the record's new revision.
 */
export function useReload(): { version: number; notice: string | null; reload: (message?: string) => void } {
  const [version, setVersion] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const reload = useCallback((message?: string) => {
    setNotice(message ?? null);
    setVersion((v) => v + 1);
  }, []);
  return { version, notice, reload };
}
