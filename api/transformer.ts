/**
 * How tRPC calls travel, shared by the server (api/trpc.ts) and the typed client (api/client.ts).
 * Inputs: superjson. Outputs: devalue, which keeps the same types (Date, Map, Set, BigInt,
 * undefined) but writes a page of tickets in about a third of superjson's time and a quarter
 * fewer bytes (bench/README.md, List); responses are where the volume is. Both are plain JSON,
 * never evaluated. Clients use `clientTransformer`, the half they need.
 */
import type { TRPCCombinedDataTransformer } from '@trpc/server';
import { parse, stringify } from 'devalue';
import superjson from 'superjson';

const readOutput = (text: string) => parse(text) as unknown;

export const transformer: TRPCCombinedDataTransformer = {
  input: superjson,
  output: {
    serialize: (value: unknown) => stringify(value),
    deserialize: readOutput,
  },
};

/**
 * What a client uses of it: it writes inputs and reads outputs, never the reverse, so a browser
 * bundle leaves devalue's writer out (api/client.ts; the console's first page counts every byte).
 */
export const clientTransformer: TRPCCombinedDataTransformer = {
  input: superjson,
  output: {
    serialize: () => {
      throw new Error('a client never writes outputs');
    },
    deserialize: readOutput,
  },
};
