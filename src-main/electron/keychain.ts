/**
 * The OS keychain for secret settings (SPEC §7), through Electron's `safeStorage`: DPAPI on
 * Windows, the Keychain on macOS, libsecret or KWallet on Linux. Null where there is none —
 * on Linux without a keyring safeStorage falls back to a key built into Chromium
 * ('basic_text'), which would only look like sealing. Use it once the app is ready.
 */
import { safeStorage } from 'electron';
import type { SecretBox } from '../../db/queries/settings';

export function osKeychain(): SecretBox | null {
  if (!safeStorage.isEncryptionAvailable()) return null;
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return null;
  return {
    seal: (clear) => safeStorage.encryptString(clear).toString('base64'),
    open: (sealed) => safeStorage.decryptString(Buffer.from(sealed, 'base64')),
  };
}
