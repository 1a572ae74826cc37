/** The session cookie: HttpOnly, SameSite=Lax, Secure when the public URL is https. */
import { SESSION_COOKIE } from './session';

export function sessionCookie(ctx: { services: { config: { publicUrl: string } } }, token: string, maxAgeSeconds: number): string {
  const secure = new URL(ctx.services.config.publicUrl).protocol === 'https:' ? '; Secure' : '';
  return `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Lax; Path=/; Max-Age=${maxAgeSeconds}${secure}`;
}
