import { z } from 'zod';

/** NIST SP 800-63B: length over composition rules; a cap keeps Argon2 from being a DoS lever. */
export const ZNewPassword = z.string().min(10, 'must be at least 10 characters').max(256, 'must be at most 256 characters');

export const ZEmail = z.email('must be an email address').max(254, 'must be at most 254 characters');
