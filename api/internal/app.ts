/**
 * The internal listener (INTERNAL_HOST:INTERNAL_PORT, loopback by default): `/internal/*` for
 * the rooms, guarded by INTERNAL_API_SECRET, and nothing else. The public API does not serve
 * these paths, so a leaked or weak secret is not enough from the internet.
 */
import { Hono } from 'hono';
import { createRoomsInternalApp, type RoomsInternalDeps } from './rooms';

export function createInternalApp(deps: RoomsInternalDeps): Hono {
  const app = new Hono();
  app.route('/internal', createRoomsInternalApp(deps));
  app.notFound((c) => c.json({ error: 'not_found', message: 'no such internal endpoint' }, 404));
  return app;
}
