import { ConfirmationNeeded } from '../../src/lib/errors';
import type { Output } from '../../src/lib/ui/output';
import { renderTable } from '../../src/lib/ui/table';

/**
 * An output that records everything, for tests. Tables are rendered unwrapped unless a `width` is
 * given (test/lib/ui/table.test.ts tests the fitting to a terminal).
 */
export function createMemoryOutput(options: { interactive?: boolean; json?: boolean; answers?: boolean[]; typed?: string[]; width?: number } = {}) {
  const lines: { kind: 'info' | 'warn' | 'progress' | 'table'; text: string }[] = [];
  const questions: string[] = [];
  const answers = [...(options.answers ?? [])];
  const typed = [...(options.typed ?? [])];
  const output: Output = {
    json: options.json ?? false,
    info: (text) => lines.push({ kind: 'info', text }),
    warn: (text) => lines.push({ kind: 'warn', text }),
    progress: (text) => lines.push({ kind: 'progress', text }),
    table: (headers, rows) => lines.push({ kind: 'table', text: renderTable(headers, rows, { width: options.width ?? Number.POSITIVE_INFINITY }) }),
    confirm: async (question, { assumeYes = false } = {}) => {
      questions.push(question);
      if (assumeYes) return true;
      if (!options.interactive) throw new ConfirmationNeeded(question, 'rerun with --yes');
      return answers.shift() ?? false;
    },
    ask: async (question) => {
      questions.push(question);
      if (!options.interactive) throw new ConfirmationNeeded(question, 'not a terminal');
      return typed.shift() ?? '';
    },
  };
  return { output, lines, questions, text: () => lines.map((l) => l.text).join('\n') };
}
