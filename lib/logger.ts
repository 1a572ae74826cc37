import { pino } from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string, name = 'deskflow'): Logger {
  return pino({ name, level });
}
