/**
 * Files: a drop zone (drag files onto it, or choose them with the keyboard-operable button beside
 * it), each upload with its progress and, if the API refused it, the API's reason; and the list of
 * a ticket's files. Every upload goes through `attachment.upload` (lib/uploads.ts).
 */
import { useQuery } from '@tanstack/react-query';
import { useRef, useState, type DragEvent, type ReactNode } from 'react';
import { FileTrigger, ProgressBar } from 'react-aria-components';
import { uploadFile, uploadProblem, type UploadedFile } from '../lib/uploads';
import { queryClient, trpc } from '../trpc';
import { Button } from './fields';
import { Time } from './ticket-bits';

export type Upload = { key: string; name: string; progress: number } & ({ state: 'uploading' } | { state: 'done'; file: UploadedFile } | { state: 'failed'; problem: string });

/** Uploads files one after another (in the order dropped) and keeps each one's progress and outcome. */
export function useUploads(target: () => { ticketId?: string; internal?: boolean }, onUploaded?: (file: UploadedFile) => void) {
  const [uploads, setUploads] = useState<Upload[]>([]);
  const queue = useRef(Promise.resolve());
  const update = (key: string, change: (upload: Upload) => Upload) => setUploads((all) => all.map((u) => (u.key === key ? change(u) : u)));
  const add = (files: File[]) => {
    const where = target();
    for (const file of files) {
      const key = crypto.randomUUID();
      setUploads((all) => [...all, { key, name: file.name, progress: 0, state: 'uploading' }]);
      queue.current = queue.current.then(async () => {
        try {
          const uploaded = await uploadFile(file, where, (progress) => update(key, (u) => ({ ...u, progress })));
          update(key, (u) => ({ key: u.key, name: uploaded.fileName, progress: 1, state: 'done', file: uploaded }));
          onUploaded?.(uploaded);
        } catch (error) {
          update(key, (u) => ({ key: u.key, name: u.name, progress: u.progress, state: 'failed', problem: uploadProblem(error) }));
        }
      });
    }
  };
  const remove = (key: string) => setUploads((all) => all.filter((u) => u.key !== key));
  const clear = () => setUploads([]);
  return { uploads, add, remove, clear };
}

/**
 * Where files are dropped. The browser's own drag and drop events (any file manager, or a page's
 * DataTransfer); the button beside it opens the file chooser for those who do not drag.
 */
export function FileDropZone({ label, hint, onFiles }: { label: string; hint?: string; onFiles: (files: File[]) => void }) {
  const [over, setOver] = useState(false);
  const hasFiles = (event: DragEvent) => [...event.dataTransfer.types].includes('Files');
  return (
    <div
      data-drop-target={over || undefined}
      aria-label={label}
      role="group"
      onDragEnter={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        setOver(true);
      }}
      onDragOver={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setOver(false);
      }}
      onDrop={(event) => {
        event.preventDefault();
        setOver(false);
        const files = [...event.dataTransfer.files];
        if (files.length > 0) onFiles(files);
      }}
      className={`flex flex-wrap items-center gap-3 rounded-md border-2 border-dashed px-3 py-3 text-sm ${over ? 'border-indigo-500 bg-indigo-50 dark:bg-indigo-950' : 'border-slate-300 dark:border-slate-600'}`}
    >
      <span className="text-slate-700 dark:text-slate-300">{hint ?? 'Drop files here, or'}</span>
      <FileTrigger allowsMultiple onSelect={(list) => list && list.length > 0 && onFiles([...list])}>
        <Button tone="secondary">Choose files</Button>
      </FileTrigger>
    </div>
  );
}

/** Each upload: a progress bar while it runs, then done or the API's reason it was refused. */
export function UploadList({ uploads, onRemove, extra }: { uploads: Upload[]; onRemove?: (upload: Upload) => void; extra?: (upload: Upload) => ReactNode }) {
  if (uploads.length === 0) return null;
  return (
    <ul aria-label="Uploads" className="flex flex-col gap-2 text-sm">
      {uploads.map((upload) => (
        <li key={upload.key} className="flex flex-col gap-1 rounded-md border border-slate-200 px-3 py-2 dark:border-slate-700">
          <div className="flex flex-wrap items-center gap-2">
            <span className="font-medium break-all">{upload.name}</span>
            {upload.state === 'done' && <span className="text-emerald-800 dark:text-emerald-300">Attached</span>}
            {extra?.(upload)}
            {onRemove && upload.state !== 'uploading' && (
              <Button tone="secondary" className="ml-auto" onPress={() => onRemove(upload)} aria-label={`${upload.state === 'failed' ? 'Dismiss' : 'Remove'} ${upload.name}`}>
                {upload.state === 'failed' ? 'Dismiss' : 'Remove'}
              </Button>
            )}
          </div>
          {upload.state === 'uploading' && (
            <ProgressBar aria-label={`Uploading ${upload.name}`} value={Math.round(upload.progress * 100)} className="flex items-center gap-2">
              {({ percentage, valueText }) => (
                <>
                  <div className="h-2 w-40 overflow-hidden rounded bg-slate-200 dark:bg-slate-700">
                    <div className="h-full bg-indigo-600 dark:bg-indigo-300" style={{ width: `${percentage ?? 0}%` }} />
                  </div>
                  <span className="text-slate-600 dark:text-slate-400">{valueText}</span>
                </>
              )}
            </ProgressBar>
          )}
          {upload.state === 'failed' && (
            <p role="alert" className="text-red-700 dark:text-red-300">
              Not attached: {upload.problem}
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}

/** A ticket's files (staff-only ones marked; requesters never get them from the API), each a download link. */
export function TicketFiles({ ticketId }: { ticketId: string }) {
  const files = useQuery(trpc.attachment.list.queryOptions({ ticketId }));
  if (!files.data || files.data.length === 0) return null;
  return (
    <section aria-labelledby="files-title" className="flex flex-col gap-2">
      <h3 id="files-title" className="text-sm font-semibold">
        Files
      </h3>
      <ul aria-label="Files on this ticket" className="flex flex-col gap-1 text-sm">
        {files.data.map((file) => (
          <li key={file.id} className="flex flex-wrap items-center gap-2">
            <a href={`/attachments/${file.id}`} className="font-medium text-indigo-800 underline break-all dark:text-indigo-300">
              {file.fileName}
            </a>
            <span className="text-slate-600 dark:text-slate-400">
              {Math.max(1, Math.round(file.size / 1024))} KB, <Time date={file.createdAt} />
            </span>
            {file.internal && <span className="rounded bg-amber-200 px-1.5 py-0.5 text-xs font-bold text-amber-950 dark:bg-amber-700 dark:text-amber-50">Staff only</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** After an upload to a ticket: its file list shows the new file. */
export function refreshTicketFiles(ticketId: string) {
  void queryClient.invalidateQueries({ queryKey: trpc.attachment.list.queryKey({ ticketId }) });
}
