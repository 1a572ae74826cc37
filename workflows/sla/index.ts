/** The SLA engine: business calendars and SLA clocks. Pure and deterministic, safe inside the workflow sandbox. */
export {
  addBusinessMs,
  businessCalendarSchema,
  businessMsBetween,
  isOpen,
  nextOpening,
  parseBusinessCalendar,
  weeklyIntervalSchema,
} from './calendar';
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
  slaClockStateSchema,
  slaState,
  start,
  stop,
  thresholdMs,
} from './clock';
export type { SlaClockOperation, SlaClockState, SlaTargets, ThresholdDue } from './clock';
