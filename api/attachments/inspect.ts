/**
 * What a file really is, from its bytes: the type allowlist is checked on magic bytes (never
 * the name or the client's MIME type), and the stored name is made safe to show and to send
 * in a Content-Disposition header.
 */
import { TRPCError } from '@trpc/server';
import { fileTypeFromBuffer } from 'file-type';

/** Detected MIME type → extension the stored name gets. */
export const allowedTypes: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'application/vnd.oasis.opendocument.text': 'odt',
  'application/vnd.oasis.opendocument.spreadsheet': 'ods',
  'application/zip': 'zip',
  'text/plain': 'txt',
};

export type Inspection = { ok: true; mimeType: string; extension: string } | { ok: false; reason: string };

/** Plain text has no magic bytes: accept UTF-8 without control characters other than tab and newlines. */
function isPlainText(bytes: Uint8Array): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(text);
}

export async function inspectFile(bytes: Uint8Array): Promise<Inspection> {
  if (bytes.length === 0) return { ok: false, reason: 'The file is empty.' };
  const detected = await fileTypeFromBuffer(bytes);
  if (detected) {
    const extension = allowedTypes[detected.mime];
    return extension ? { ok: true, mimeType: detected.mime, extension } : { ok: false, reason: `Files of type ${detected.mime} are not accepted.` };
  }
  if (isPlainText(bytes)) return { ok: true, mimeType: 'text/plain', extension: 'txt' };
  return { ok: false, reason: 'The file type is not recognised; accepted are images (PNG, JPEG, GIF, WebP), PDF, Office and OpenDocument files, ZIP and plain text.' };
}

/**
 * A display name that is safe anywhere: the last path segment only, no control or reserved
 * characters, no leading dots, at most 120 characters, ending in the detected extension.
 */
export function safeFileName(clientName: string, extension: string): string {
  const lastSegment = clientName.split(/[\\/]/).pop() ?? '';
  const cleaned = lastSegment
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001F\u007F"*:<>?|;%]+/g, '_')
    .replace(/\s+/g, ' ')
    .replace(/^[.\s]+/, '')
    .trim();
  const base =
    cleaned
      .replace(/\.[^.]{1,10}$/, '')
      .slice(0, 100)
      .trim() || 'attachment';
  return `${base}.${extension}`;
}

/** RFC 6266 Content-Disposition with an ASCII fallback and the UTF-8 name. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7E]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export const megabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

/**
 * An uploaded file's bytes, refused with a clear error when it is too large (`what` names them:
 * "Attachments"), empty, or not a type we accept by its magic bytes.
 */
export async function readCheckedUpload(file: File, maxBytes: number, what: string): Promise<{ bytes: Uint8Array; mimeType: string; extension: string }> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes.length > maxBytes) throw new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: `${what} may be at most ${megabytes(maxBytes)}.` });
  if (bytes.length === 0) throw new TRPCError({ code: 'BAD_REQUEST', message: 'The file is empty.' });
  const inspection = await inspectFile(bytes);
  if (!inspection.ok) throw new TRPCError({ code: 'UNSUPPORTED_MEDIA_TYPE', message: inspection.reason });
  return { bytes, mimeType: inspection.mimeType, extension: inspection.extension };
}
