/**
 * The sandboxed preload: exposes `window.meterdesk` (shared/bridge.ts) and nothing else.
 * ipcRenderer itself never crosses, or any script in the page could send on any channel;
 * listeners never receive the IPC event, which would leak `event.sender`.
 *
 * Bundled to CommonJS (sandboxed preloads cannot be ES modules) and may import only
 * `electron` and code that the bundler inlines: no Node modules at run time.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ApiResponse } from '../../shared/api';
import {
  BRIDGE_KEY,
  IPC_CALL,
  IPC_MENU,
  MENU_ACTIONS,
  type MenuAction,
  type MeterdeskBridge,
} from '../../shared/bridge';

function isMenuAction(value: unknown): value is MenuAction {
  return typeof value === 'string' && (MENU_ACTIONS as readonly string[]).includes(value);
}

const bridge: MeterdeskBridge = {
  call(name, args) {
    return (ipcRenderer.invoke(IPC_CALL, name, args) as Promise<ApiResponse<unknown>>).catch(
      // Arguments that cannot be cloned (functions, DOM nodes) fail before reaching the main
      // process; the renderer expects every failure as a typed error, never a rejection.
      (error: unknown): ApiResponse<unknown> => ({
        ok: false,
        error: {
          code: 'bad-request',
          message: error instanceof Error ? error.message : String(error),
        },
      }),
    );
  },
  onMenu(listener) {
    const forward = (_event: IpcRendererEvent, action: unknown): void => {
      if (isMenuAction(action)) listener(action);
    };
    ipcRenderer.on(IPC_MENU, forward);
    return () => {
      ipcRenderer.removeListener(IPC_MENU, forward);
    };
  },
};

contextBridge.exposeInMainWorld(BRIDGE_KEY, bridge);
