/**
 * What the Electron preload exposes to the renderer as `window.meterdesk`: one generic call
 * into the API contract and the application menu's actions. Nothing else crosses.
 */
import type { ApiResponse } from './api';

export const BRIDGE_KEY = 'meterdesk';
export const IPC_CALL = 'meterdesk:call';
export const IPC_MENU = 'meterdesk:menu';

/** Menu items the renderer acts on (the save item carries the F2 accelerator). */
export const MENU_ACTIONS = ['save', 'cancel', 'new-reading', 'find', 'language-de', 'language-fr', 'language-en'] as const;
export type MenuAction = (typeof MENU_ACTIONS)[number];

export interface MeterdeskBridge {
  call(name: string, args: unknown): Promise<ApiResponse<unknown>>;
  onMenu(listener: (action: MenuAction) => void): () => void;
}
