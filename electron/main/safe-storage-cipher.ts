/**
 * Password encryption at rest over Electron `safeStorage` (OS keychain / DPAPI / libsecret). Ciphertext is stored as
 * base64 of `encryptString`. Falls back to the plain cipher when the OS offers no encryption (docs/config.md).
 */
import type { SafeStorage } from 'electron';
import type { SecretCipher } from '../core/settings-store';
import { plainCipher } from '../core/settings-store';

type SafeStorageLike = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'>;

/** Only call after the app is `ready`: safeStorage reports itself unavailable before that on some platforms. */
export function createSecretCipher(safeStorage: SafeStorageLike): SecretCipher {
  if (!safeStorage.isEncryptionAvailable()) return plainCipher;
  return {
    kind: 'safeStorage',
    encrypt: (plain) => safeStorage.encryptString(plain).toString('base64'),
    decrypt: (data) => safeStorage.decryptString(Buffer.from(data, 'base64')),
  };
}
