import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface StoredSecret {
  value: string;
  /** Path of the file the secret was read from or written to. */
  path: string;
  created: boolean;
}

/**
 * Reads a secret from `<dataDir>/<fileName>`, generating a random 256-bit one on first use.
 * The file is created with mode 0600 so only the service's user can read it.
 */
export function loadOrCreateSecret(dataDir: string, fileName: string): StoredSecret {
  const path = join(dataDir, fileName);

  if (existsSync(path)) {
    const value = readFileSync(path, 'utf8').trim();
    if (value.length > 0) {
      return { value, path, created: false };
    }
  }

  mkdirSync(dataDir, { recursive: true });
  const value = randomBytes(32).toString('base64url');
  writeFileSync(path, `${value}\n`, { mode: 0o600 });
  // writeFileSync keeps the mode of an existing (empty) file, so set it explicitly.
  chmodSync(path, 0o600);
  return { value, path, created: true };
}
