import { stopSignal } from '../../../src/lib/dev/service';

describe('the signals that stop cafe-ops dev (SIGHUP: the terminal was closed)', () => {
  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('stops on %s and then lets go of every signal', async (signal) => {
    const before = ['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s));
    const stopped = stopSignal();
    // As Node delivers a signal: the listener gets its name.
    process.emit(signal, signal);
    await expect(stopped).resolves.toBe(signal);
    expect(['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s))).toEqual(before);
  });
});
