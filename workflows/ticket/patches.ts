/** patched() ids of the ticket workflow, oldest first. Never reuse or remove one while tickets started before it may still run. */
export const PATCHES = {
  /** The full lifecycle (screening, SLA, escalation…) replaced the walking skeleton's intake (v0). */
  lifecycleV1: 'deskflow-lifecycle-v1',
  /** A ticket started by the skeleton (v0) gets its SLA clocks on its next step. */
  adoptV0: 'deskflow-adopt-v0-ticket',
  /**
   * Staff powers per ticket (domain/access.ts) instead of per role: a supervisor acts only in the
   * departments they supervise. Handlers of Updates accepted before it re-check by the role rule.
   */
  staffPowersPerTicket: 'deskflow-staff-powers-per-ticket',
  /**
   * A material edit of the title or description (detailsEdited signal) triages the ticket again.
   * Behind a patch: a signal delivered before the handler existed replays as ignored.
   */
  retriageOnEdit: 'deskflow-retriage-on-edit',
  /**
   * When the offline model is unsure and an external model is configured (the triage result says
   * `secondOpinion`), routing asks it first (one more activity) and takes its answer when surer.
   */
  triageSecondOpinion: 'deskflow-triage-second-opinion',
  /**
   * The ticket is embedded (title and description, for similar tickets and the misuse report)
   * after intake and after each material edit: one more activity, run beside the ticket (outbox).
   */
  embedTicket: 'deskflow-embed-ticket',
} as const;
