// Liveness and readiness probes for process supervisors and load balancers.
import type { FastifyInstance } from 'fastify';

export type ReadinessCheck = () => Promise<{ ready: boolean; reason?: string }>;

export function registerHealthRoutes(app: FastifyInstance, readiness: ReadinessCheck): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const result = await readiness();
    return reply.code(result.ready ? 200 : 503).send(result.ready ? { status: 'ready' } : { status: 'not ready', reason: result.reason });
  });
}
