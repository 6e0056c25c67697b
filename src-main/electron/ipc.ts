/**
 * The IPC transport: the preload's `call` arrives here and goes to the core's `dispatch`,
 * exactly as an HTTP request does in browser mode. No rules here.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { Api, ApiResponse } from '../../shared/api';
import { IPC_CALL } from '../../shared/bridge';
import { logger } from '../core/log';
import { dispatch } from '../core/service';
import { isOwnRendererUrl } from './policy';

const log = logger('electron-ipc');

export interface IpcOptions {
  api: Api;
  /** The renderer's index.html; only a main frame showing it may call. */
  rendererFile: string;
  /** The back-office window's web contents, if it is open. */
  appContents: () => WebContents | undefined;
}

const FORBIDDEN: ApiResponse<never> = {
  ok: false,
  error: { code: 'forbidden', message: 'calls are accepted only from the meterdesk window' },
};

/**
 * Only our window's top frame, showing our own file, may reach the database: an iframe or a
 * page that got navigated elsewhere despite security.ts must not inherit the bridge.
 */
function isTrustedSender(event: IpcMainInvokeEvent, options: IpcOptions): boolean {
  const frame = event.senderFrame;
  const contents = options.appContents();
  return (
    contents !== undefined &&
    event.sender === contents &&
    frame !== null &&
    frame.parent === null &&
    isOwnRendererUrl(frame.url, options.rendererFile)
  );
}

/** Registers the handler; the returned function removes it (before the core closes). */
export function registerIpc(options: IpcOptions): () => void {
  ipcMain.handle(IPC_CALL, (event, name: unknown, args: unknown): Promise<ApiResponse<unknown>> => {
    if (!isTrustedSender(event, options)) {
      log.warn(
        { url: event.senderFrame?.url, operation: typeof name === 'string' ? name : typeof name },
        'refused a call from a foreign frame',
      );
      return Promise.resolve(FORBIDDEN);
    }
    return dispatch(options.api, name, args);
  });
  return () => ipcMain.removeHandler(IPC_CALL);
}
