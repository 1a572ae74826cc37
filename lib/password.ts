import { hash, verify } from '@node-rs/argon2';

// Argon2id with OWASP's recommended minimums (19 MiB, 2 passes, 1 lane).
const options = { memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false; // malformed stored hash: treat as a mismatch, never as an error the caller sees
  }
}

/** Verifying against this when the user is unknown keeps sign-in timing from revealing which emails exist. */
export const dummyHash = hashPassword('deskflow-timing-equaliser');
