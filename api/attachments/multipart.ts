/**
 * A multipart/form-data upload as a tRPC input: exactly one `file`, plus the named text fields,
 * checked by `fields` (a zod schema over the form's values); errors keep their field paths.
 */
import { z } from 'zod';

export function zMultipartUpload<T extends z.ZodType<{ file: File }>>(fields: T, names: readonly string[], message: string) {
  return z.instanceof(FormData, { message }).transform((form, ctx): z.output<T> => {
    const parsed = fields.safeParse(Object.fromEntries(['file', ...names].map((name) => [name, form.get(name) ?? undefined])));
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
      return z.NEVER;
    }
    if (form.getAll('file').length > 1) {
      ctx.addIssue({ code: 'custom', path: ['file'], message: 'send one file per upload' });
      return z.NEVER;
    }
    return parsed.data;
  });
}
