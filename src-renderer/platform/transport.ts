/**
 * The renderer's one way into the core. In the desktop app the preload bridge
 * (`window.meterdesk`) carries the call over IPC; in a browser it goes over HTTP to
 * `POST /api/<name>`. Callers see the same typed `api.call` either way.
 */
import type { ApiArgs, ApiName, ApiResponse, ApiResult } from '../../shared/api';
import type { MeterdeskBridge } from '../../shared/bridge';
import { ApiError, isApiErrorBody } from '../../shared/errors';

declare global {
  interface Window {
    meterdesk?: MeterdeskBridge;
  }
}

type Transport = (name: ApiName, args: unknown) => Promise<ApiResponse<unknown>>;

const httpTransport: Transport = async (name, args) => {
  let response: Response;
  try {
    response = await fetch(`/api/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(args ?? {}),
    });
  } catch {
    return { ok: false, error: { code: 'internal', message: 'the meterdesk server cannot be reached' } };
  }
  const body = (await response.json().catch(() => null)) as ApiResponse<unknown> | null;
  if (body && typeof body === 'object' && 'ok' in body) return body;
  return { ok: false, error: { code: 'internal', message: `unexpected answer (HTTP ${response.status})` } };
};

function transport(): Transport {
  const bridge = window.meterdesk;
  return bridge ? (name, args) => bridge.call(name, args) : httpTransport;
}

export const api = {
  async call<N extends ApiName>(name: N, args: ApiArgs<N>): Promise<ApiResult<N>> {
    const response = await transport()(name, args);
    if (response.ok) return response.value as ApiResult<N>;
    throw isApiErrorBody(response.error)
      ? ApiError.fromBody(response.error)
      : new ApiError('internal', 'unexpected error');
  },
};

export const isDesktop = (): boolean => window.meterdesk !== undefined;
