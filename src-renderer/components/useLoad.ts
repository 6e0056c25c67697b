import { useEffect, useState } from 'react';

/**
 * What `load` answers, loaded again whenever `key` changes; an answer that arrives after a
 * newer request is dropped.
 */
export function useLoad<T>(load: () => Promise<T>, key: string): { data: T | null; error: string | null } {
  const [state, setState] = useState<{ data: T | null; error: string | null; key: string | null }>({
    data: null,
    error: null,
    key: null,
  });
  useEffect(() => {
    let current = true;
    load().then(
      (data) => current && setState({ data, error: null, key }),
      (failure: Error) => current && setState({ data: null, error: failure.message, key }),
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` names everything `load` reads
  }, [key]);
  return { data: state.data, error: state.error };
}
