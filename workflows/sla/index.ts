/**
 * The SLA engine: business calendars and SLA clocks. Pure and deterministic, safe inside the workflow sandbox. This
 * index also exports the zod schemas for untrusted input; workflow code imports ./calendar and ./clock directly so
 * its bundle never loads zod.
 */
export { addBusinessDays, addBusinessMs, businessMsBetween, calendarProblems, isOpen, nextOpening } from './calendar';
export { businessCalendarSchema, parseBusinessCalendar, weeklyIntervalSchema } from './calendar-schema';
export { slaClockStateSchema } from './clock-schema';
export type { BusinessCalendar, IsoWeekday, WeeklyInterval } from './calendar';
export {
  BREACH_PERCENT,
  DEFAULT_SLA_TARGETS,
  DEFAULT_THRESHOLDS,
  accruedAt,
  createSlaClock,
  dueAt,
  isRunning,
  isStopped,
  markFired,
  meet,
  nextThreshold,
  overdueThresholds,
  pause,
  remainingAt,
  restartCycle,
  resume,
  retarget,
  slaState,
  start,
  stop,
  thresholdMs,
} from './clock';
export type { SlaClockOperation, SlaClockState, SlaTargets, ThresholdDue } from './clock';
