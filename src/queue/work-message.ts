import { z } from 'zod';

/** What the queue carries: ids and a token, never a payload. The consumer checks it before use. */
export const WorkMessageSchema = z.object({
  tenant: z.string().min(1),
  jobId: z.string().uuid(),
  token: z.string().min(1),
  attempt: z.number().int().positive(),
});

export type WorkMessage = z.infer<typeof WorkMessageSchema>;
