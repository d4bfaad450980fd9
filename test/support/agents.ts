// Simulated phones for end-to-end tests: reference bridge agents, with their events collected.
import { BridgeAgent, type AgentEvent, type BridgeAgentOptions } from '../../src/agent/index.js';

export interface TestAgent {
  agent: BridgeAgent;
  events: AgentEvent[];
  /** msg_ids the agent handed to its driver to send, in order. */
  messages(): Record<string, any>[];
  waitFor(check: () => boolean, timeoutMs?: number): Promise<void>;
}

export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function createTestAgent(options: Omit<BridgeAgentOptions, 'onEvent'>): TestAgent {
  const events: AgentEvent[] = [];
  const agent = new BridgeAgent({ backoff: { initialMs: 50, maxMs: 500, jitter: 0.2 }, ...options, onEvent: (event) => events.push(event) });
  return {
    agent,
    events,
    messages: () => events.filter((event) => event.event === 'message') as Record<string, any>[],
    waitFor: (check, timeoutMs) => waitUntil(check, timeoutMs),
  };
}
