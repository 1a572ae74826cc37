/** Attachments over real HTTP: magic-byte allowlist, safe names, size limits, per-ticket access, downloads. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachmentBlobs } from '../../db/schema';
import { pgliteKind, postgresKind } from '../../dev-support/databases';
import { demo, outcome, startApi, type ApiHarness } from './support';

// PGlite and PostgreSQL through the Neon driver: search, keyset order and bytes must agree on both.
describe.each([{ kind: pgliteKind }, { kind: postgresKind() }])('on $kind.name', ({ kind }) => {
  const LIMIT = 64 * 1024;
  let api: ApiHarness;
  let ritaTicket: string;
  let rajTicket: string;

  // A 1×1 transparent PNG.
  const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');
  const exe = Buffer.concat([
    Buffer.from(
      '4d5a90000300000004000000ffff0000b800000000000000400000000000000000000000000000000000000000000000000000000000000000000000800000000e1fba0e00b409cd21b8014ccd21546869732070726f6772616d2063616e6e6f742062652072756e20696e20444f53206d6f64652e0d0d0a2400000000000000',
      'hex',
    ),
    Buffer.alloc(400),
  ]);

  const form = (file: File, ticketId?: string) => {
    const data = new FormData();
    data.append('file', file);
    if (ticketId) data.append('ticketId', ticketId);
    return data;
  };

  beforeAll(async () => {
    api = await startApi({ config: { attachmentMaxBytes: LIMIT }, database: kind.open });
    ritaTicket = (await api.insertTicket({ requester: demo.requester, department: 'it', assignee: demo.itAgent })).id;
    rajTicket = (await api.insertTicket({ requester: demo.requester2, department: 'hr' })).id;
  }, 120_000);
  afterAll(async () => {
    await api?.stop();
    await kind.stop();
  });

  async function download(id: string, token: string) {
    return fetch(`${api.url}/attachments/${id}`, { headers: { authorization: `Bearer ${token}` } });
  }

  describe('uploading', () => {
    it('stores a file under a safe name with its type from the magic bytes, and serves it as a download', async () => {
      const rita = await api.signIn(demo.requester);
      const uploaded = await rita.api.attachment.upload.mutate(form(new File([png], 'screen shot.png', { type: 'image/png' }), ritaTicket));
      expect(uploaded).toMatchObject({ fileName: 'screen shot.png', mimeType: 'image/png', size: png.length, ticketId: ritaTicket });
      expect(await rita.api.attachment.list.query({ ticketId: ritaTicket })).toHaveLength(1);

      const response = await download(uploaded.id, rita.token);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/png');
      expect(response.headers.get('content-disposition')).toBe(`attachment; filename="screen shot.png"; filename*=UTF-8''screen%20shot.png`);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(Buffer.from(await response.arrayBuffer()).equals(png)).toBe(true);

      const history = await rita.api.ticket.history.query({ id: ritaTicket });
      expect(history.events.map((e) => e.kind)).toContain('attachment_added');
    });

    it('trusts the bytes, not the name or the client’s MIME type', async () => {
      const rita = await api.signIn(demo.requester);
      const disguised = await rita.api.attachment.upload.mutate(form(new File([png], 'invoice.pdf', { type: 'application/pdf' }), ritaTicket));
      expect(disguised).toMatchObject({ mimeType: 'image/png', fileName: 'invoice.png' });
      const executable = await rita.api.attachment.upload.mutate(form(new File([exe], 'report.pdf', { type: 'application/pdf' }), ritaTicket)).catch((e: Error) => e);
      expect((executable as { data?: { code: string } }).data?.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect((executable as Error).message).toMatch(/not accepted|not recognised/);
      // Markup is kept as inert text: served as text/plain, as an attachment, never rendered.
      const svg = await rita.api.attachment.upload.mutate(
        form(new File(['<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'], 'logo.svg', { type: 'image/svg+xml' }), ritaTicket),
      );
      expect(svg).toMatchObject({ mimeType: 'text/plain', fileName: 'logo.txt' });
      const served = await download(svg.id, rita.token);
      expect(served.headers.get('content-type')).toBe('text/plain');
      expect(served.headers.get('content-security-policy')).toContain('sandbox');
    });

    it('neutralises path traversal and header injection in names', async () => {
      const rita = await api.signIn(demo.requester);
      const cases: [string, string][] = [
        ['../../etc/passwd', 'passwd.txt'],
        ['..\\..\\windows\\win.ini', 'win.txt'],
        ['a\r\nX-Evil: 1.txt', 'a_X-Evil_ 1.txt'],
        ['.htaccess', 'htaccess.txt'],
        ['"quoted";name.txt', '_quoted_name.txt'],
        ['. . .', 'attachment.txt'],
      ];
      for (const [name, expected] of cases) {
        const uploaded = await rita.api.attachment.upload.mutate(form(new File(['plain text'], name), ritaTicket));
        expect(uploaded.fileName, name).toBe(expected);
        const response = await download(uploaded.id, rita.token);
        expect(response.headers.get('content-disposition')).not.toMatch(/[\r\n]/);
      }
    });

    it('refuses empty and oversized files with clear errors, keeping nothing', async () => {
      const rita = await api.signIn(demo.requester);
      const blobsBefore = (await api.db.select().from(attachmentBlobs)).length;
      const empty = await rita.api.attachment.upload.mutate(form(new File([], 'empty.txt'), ritaTicket)).catch((e: Error) => e);
      expect((empty as { data?: { code: string } }).data?.code).toBe('BAD_REQUEST');
      expect((empty as Error).message).toBe('The file is empty.');
      const justOver = await rita.api.attachment.upload.mutate(form(new File([Buffer.alloc(LIMIT + 1, 0x61)], 'big.txt'), ritaTicket)).catch((e: Error) => e);
      expect((justOver as { data?: { code: string } }).data?.code).toBe('PAYLOAD_TOO_LARGE');
      expect((justOver as Error).message).toMatch(/at most 0.1 MB/);
      expect((await api.db.select().from(attachmentBlobs)).length).toBe(blobsBefore);
    });

    it('refuses a request far over the limit before reading it', async () => {
      const rita = await api.signIn(demo.requester);
      const body = form(new File([Buffer.alloc(LIMIT * 4, 0x61)], 'huge.txt'), ritaTicket);
      const response = await fetch(`${api.url}/trpc/attachment.upload`, { method: 'POST', headers: { authorization: `Bearer ${rita.token}` }, body });
      expect(response.status).toBe(413);
    });

    it('refuses malformed uploads: no file, two files, a bad ticket id', async () => {
      const rita = await api.signIn(demo.requester);
      const noFile = new FormData();
      noFile.append('ticketId', ritaTicket);
      expect(await outcome(rita.api.attachment.upload.mutate(noFile))).toBe('BAD_REQUEST');
      const two = form(new File(['a'], 'a.txt'), ritaTicket);
      two.append('file', new File(['b'], 'b.txt'));
      expect(await outcome(rita.api.attachment.upload.mutate(two))).toBe('BAD_REQUEST');
      expect(await outcome(rita.api.attachment.upload.mutate(form(new File(['a'], 'a.txt'), '../../etc')))).toBe('BAD_REQUEST');
    });
  });

  describe('access', () => {
    it('checks the ticket on upload, list, download and delete', async () => {
      const rita = await api.signIn(demo.requester);
      const raj = await api.signIn(demo.requester2);
      const ivy = await api.signIn(demo.itAgent);
      const hana = await api.signIn(demo.hrAgent);
      const file = await rita.api.attachment.upload.mutate(form(new File(['notes'], 'notes.txt'), ritaTicket));

      expect(await outcome(raj.api.attachment.upload.mutate(form(new File(['x'], 'x.txt'), ritaTicket)))).toBe('NOT_FOUND');
      expect(await outcome(raj.api.attachment.list.query({ ticketId: ritaTicket }))).toBe('NOT_FOUND');
      expect((await download(file.id, raj.token)).status).toBe(404);
      expect((await download(file.id, hana.token)).status).toBe(404); // other department
      expect((await download(file.id, ivy.token)).status).toBe(200);
      expect((await fetch(`${api.url}/attachments/${file.id}`)).status).toBe(401);
      expect((await download('../../etc/passwd', rita.token)).status).toBe(404);

      expect(await outcome(raj.api.attachment.delete.mutate({ id: file.id }))).toBe('NOT_FOUND');
      const agentFile = await ivy.api.attachment.upload.mutate(form(new File(['log'], 'log.txt'), ritaTicket));
      expect(await outcome(rita.api.attachment.delete.mutate({ id: agentFile.id }))).toBe('FORBIDDEN');
      expect(await outcome(rita.api.attachment.delete.mutate({ id: file.id }))).toBe('OK');
      expect(await outcome(ivy.api.attachment.delete.mutate({ id: agentFile.id }))).toBe('OK');
      expect((await download(file.id, rita.token)).status).toBe(404);
      void rajTicket;
    });

    it('keeps staged files (no ticket yet) private to their uploader', async () => {
      const rita = await api.signIn(demo.requester);
      const raj = await api.signIn(demo.requester2);
      const sam = await api.signIn(demo.supervisor);
      const staged = await rita.api.attachment.upload.mutate(form(new File([png], 'before.png')));
      expect(staged.ticketId).toBeNull();
      expect((await download(staged.id, rita.token)).status).toBe(200);
      expect((await download(staged.id, raj.token)).status).toBe(404);
      expect((await download(staged.id, sam.token)).status).toBe(404);
    });

    it('lets a read-scoped API token download', async () => {
      const ivy = await api.signIn(demo.itAgent);
      const file = await ivy.api.attachment.upload.mutate(form(new File([png], 'diagram.png'), ritaTicket));
      const token = await ivy.api.auth.tokens.create.mutate({ name: 'backup', scopes: ['read'] });
      expect((await download(file.id, token.token)).status).toBe(200);
      expect(await outcome(api.client(token.token).attachment.delete.mutate({ id: file.id }))).toBe('FORBIDDEN');
    });
  });
});
