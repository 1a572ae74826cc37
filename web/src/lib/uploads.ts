/**
 * Uploads through the API's one attachment endpoint (`attachment.upload`, multipart) with the
 * project's typed client, over XMLHttpRequest instead of fetch: only XHR reports upload progress.
 * The API's refusals (too large, type not accepted, too many staged files, field errors) come back
 * as the usual tRPC errors, which `uploadProblem` turns into one sentence.
 */
import { createDeskflowClient } from '../../../api/client';
import { apiProblem } from './errors';
import type { RouterOutputs } from '../trpc';

export type UploadedFile = RouterOutputs['attachment']['upload'];

/** A fetch on XMLHttpRequest that reports the request body's progress (0..1). */
function fetchWithProgress(onProgress: (fraction: number) => void): typeof fetch {
  return (input, init) =>
    new Promise<Response>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(init?.method ?? 'GET', input instanceof Request ? input.url : String(input));
      xhr.withCredentials = true;
      new Headers(init?.headers).forEach((value, name) => xhr.setRequestHeader(name, value));
      xhr.upload.addEventListener('progress', (event) => {
        if (event.lengthComputable) onProgress(event.loaded / event.total);
      });
      xhr.addEventListener('load', () => {
        const headers = new Headers();
        for (const line of xhr.getAllResponseHeaders().trim().split(/\r?\n/)) {
          const colon = line.indexOf(':');
          if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
        }
        resolve(new Response(xhr.responseText, { status: xhr.status, statusText: xhr.statusText, headers }));
      });
      // The same words fetch uses, so apiProblem explains it the same way.
      xhr.addEventListener('error', () => reject(new TypeError('Failed to fetch')));
      xhr.addEventListener('abort', () => reject(new DOMException('The upload was cancelled.', 'AbortError')));
      init?.signal?.addEventListener('abort', () => xhr.abort());
      xhr.send((init?.body ?? null) as XMLHttpRequestBodyInit | null);
    });
}

/** Uploads one file: to a ticket (`internal`: staff-only), or staged for a ticket about to be filed (no ticketId). */
export function uploadFile(file: File, target: { ticketId?: string; internal?: boolean }, onProgress: (fraction: number) => void): Promise<UploadedFile> {
  const client = createDeskflowClient(window.location.origin, undefined, { batch: false, fetch: fetchWithProgress(onProgress) });
  const form = new FormData();
  form.append('file', file);
  if (target.ticketId) form.append('ticketId', target.ticketId);
  if (target.internal) form.append('internal', 'true');
  return client.attachment.upload.mutate(form);
}

/** What went wrong with an upload, in one sentence: the field error about the file if there is one, else the API's message. */
export function uploadProblem(error: unknown): string {
  const problem = apiProblem(error);
  return problem.fields.file ?? Object.values(problem.fields)[0] ?? problem.message;
}
