import { boolean, index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './columns';
import { bytea } from './custom-types';
import { users } from './org';
import { tickets } from './tickets';

/** A file attached to a ticket. The bytes live in the storage backend under `storageKey`. */
export const attachments = pgTable(
  'attachments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Null while staged: uploaded before the ticket it belongs to was created. */
    ticketId: uuid('ticket_id').references(() => tickets.id, { onDelete: 'cascade' }),
    uploaderId: uuid('uploader_id').references(() => users.id, { onDelete: 'set null' }),
    /** Sanitised name shown to people; never used as a path. */
    fileName: text('file_name').notNull(),
    /** Detected from the file's magic bytes, not taken from the client. */
    mimeType: text('mime_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    storageKey: text('storage_key').notNull(),
    /** Staff-only: shown to and downloadable by staff of the ticket alone, like an internal note. */
    internal: boolean('internal').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [index('attachments_ticket_idx').on(t.ticketId, t.createdAt), index('attachments_uploader_idx').on(t.uploaderId, t.createdAt)],
);

/** The default storage backend: bytes in Postgres, so attachments work on PGlite and Neon alike. */
export const attachmentBlobs = pgTable('attachment_blobs', {
  key: text('key').primaryKey(),
  bytes: bytea('bytes').notNull(),
  createdAt: createdAt(),
});

export type Attachment = typeof attachments.$inferSelect;
