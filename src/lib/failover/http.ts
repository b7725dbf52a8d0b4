/** The drill's HTTP probe: a GET with a deadline, over Node's fetch. */
import type { HttpPort } from './ports';

export function fetchHttpPort(): HttpPort {
  return {
    get: async (url, timeoutMs) => {
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { 'user-agent': 'cafe-ops-failover', accept: 'application/json' }, redirect: 'manual' });
      // Bounded: a health or menu answer is small; more is not needed to judge it.
      const body = (await response.text()).slice(0, 64_000);
      return { status: response.status, body };
    },
  };
}
