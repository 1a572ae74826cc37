/**
 * Where attachment bytes live, behind one small interface. The default keeps them in Postgres
 * (table attachment_blobs), so attachments work on PGlite and Neon with nothing else to run.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { attachmentBlobs } from '../../db/schema';

export interface AttachmentStorage {
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** null when nothing is stored under the key. */
  get(key: string): Promise<Uint8Array | null>;
  delete(key: string): Promise<void>;
}

export function createDatabaseStorage(db: Db): AttachmentStorage {
  return {
    async put(key, bytes) {
      await db.insert(attachmentBlobs).values({ key, bytes }).onConflictDoNothing();
    },
    async get(key) {
      const [row] = await db.select({ bytes: attachmentBlobs.bytes }).from(attachmentBlobs).where(eq(attachmentBlobs.key, key));
      return row?.bytes ?? null;
    },
    async delete(key) {
      await db.delete(attachmentBlobs).where(eq(attachmentBlobs.key, key));
    },
  };
}
