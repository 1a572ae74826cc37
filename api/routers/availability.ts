import { z } from 'zod';
import { ZAvailabilityView, ZSetAvailability, ZSetMyAvailability } from '../availability/schemas';
import { myAvailability, setAvailability, setMyAvailability, teamAvailability } from '../availability/service';
import { agentProcedure, createTRPCRouter, supervisorProcedure } from '../trpc';

/** Agents' availability for routing (api/availability/service.ts). */
export const availabilityRouter = createTRPCRouter({
  getMine: agentProcedure
    .input(z.void())
    .output(ZAvailabilityView)
    .query(({ ctx }) => myAvailability(ctx)),
  /** Available; away (until a time, or until set back); a cap on open assigned tickets. */
  setMine: agentProcedure
    .input(ZSetMyAvailability)
    .output(ZAvailabilityView)
    .mutation(({ ctx, input }) => setMyAvailability(ctx, input)),
  /** The caller's team: staff of the departments they supervise (admins: all staff). */
  team: supervisorProcedure
    .input(z.void())
    .output(z.array(ZAvailabilityView))
    .query(({ ctx }) => teamAvailability(ctx)),
  set: supervisorProcedure
    .input(ZSetAvailability)
    .output(ZAvailabilityView)
    .mutation(({ ctx, input }) => setAvailability(ctx, input)),
});
